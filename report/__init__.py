"""bcikg.report"""
