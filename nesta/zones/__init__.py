"""The seven national high-tech zones' second venture (国家高新区"二次创业", seed 三.3): their annual
indicators and the office's targets, policy documents and research topics, area-adjustment
requests, incubators with their tenants, reports and evaluation, and the private tech enterprises'
share — the numbers the office steers the zones by."""
