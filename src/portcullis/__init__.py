"""Portcullis: immigration casework and border control, one record of each person."""

__version__ = "0.1.0"
