"""Web forms of the instrument network, one module per area as in views/: booking (and the
managers' rules), orders (分析测试), reports (query parameters and the registry upload)."""
