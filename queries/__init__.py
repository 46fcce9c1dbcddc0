"""bcikg.queries"""
