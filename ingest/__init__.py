"""bcikg.ingest"""
