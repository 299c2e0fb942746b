"""Web pages of the instrument network, one module per area: booking (find, book, manage), orders
(分析测试), reports (openness evaluation, fee statements, registry XLSX)."""
