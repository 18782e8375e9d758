"""One module per data provider; each registers its local implementation (see ``registry``).

``http`` holds the implementation for a real provider reached over HTTP.
"""
