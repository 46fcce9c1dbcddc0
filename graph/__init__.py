"""bcikg.graph"""
