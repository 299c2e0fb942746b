"""Web pages of the instrument network, one module per area: find (search, an instrument's page
and calendar, my bookings), book (making a booking), booking_actions (cancel, check in/out,
approve, reject), manage (the managers' pages), orders (分析测试), registry (register and edit),
reports (openness evaluation, fee statements, registry XLSX)."""
