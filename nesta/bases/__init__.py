"""Innovation bases (三.1 科技创新平台): engineering research centres and key laboratories, their
annual indicator reports and the office's evaluation of them (issue 11)."""
