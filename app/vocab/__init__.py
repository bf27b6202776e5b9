"""Shared vocabularies: plain data and the company date, below every domain package.

The catalog loader, the ledgers and the contractor list all speak these words, so
they sit here instead of in one of their consumers.
"""
