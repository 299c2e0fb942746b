from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.instruments.lifecycles import BOOKING, PROBLEM, TESTORDER, TRAINING, WAITLIST
from nesta.instruments.views import book, booking_actions, find, manage
from nesta.instruments.views import move as move_views
from nesta.instruments.views import orders as order_views
from nesta.instruments.views import payers as payer_views
from nesta.instruments.views import planner as planner_views
from nesta.instruments.views import problems as problem_views
from nesta.instruments.views import registry as registry_views
from nesta.instruments.views import reports as report_views
from nesta.instruments.views import shutdowns as shutdown_views
from nesta.instruments.views import training as training_views
from nesta.instruments.views import waitlist as waitlist_views

app_name = "instruments"

urlpatterns = [
    path("", find.instrument_list, name="list"),
    path("my/", find.my_bookings, name="my_bookings"),
    # the waiting list (排队候补, 我的候补) and training requests (申请上机培训, 我的培训, the staff's list)
    path("waitlist/", waitlist_views.my_waitlist, name="my_waitlist"),
    path("<int:pk>/waitlist/", waitlist_views.waitlist_join, name="waitlist_join"),
    *transition_urls(WAITLIST, "waitlist/<int:entry_id>/{}/", waitlist_views.waitlist_action, name="waitlist_{}"),
    path("training/", training_views.my_training, name="my_training"),
    path("<int:pk>/training/request/", training_views.training_request_create, name="training_request"),
    path("<int:pk>/manage/training/", training_views.training_requests, name="training_requests"),
    *transition_urls(TRAINING, "training/<int:request_id>/{}/", training_views.training_action, name="training_{}"),
    path("manage/", manage.manage_index, name="manage_index"),
    path("planner/", planner_views.planner, name="planner"),
    path("<int:pk>/", find.instrument_detail, name="detail"),
    path("<int:pk>/month/", planner_views.month, name="month"),
    path("<int:pk>/next-free/", planner_views.next_free, name="next_free"),
    path("<int:pk>/book/", book.booking_create, name="book"),
    path("<int:pk>/book/quote/", book.booking_quote_view, name="book_quote"),
    path("<int:pk>/manage/", manage.manage_instrument, name="manage"),
    path("<int:pk>/manage/rules/", manage.policy_edit, name="policy_edit"),
    path("<int:pk>/manage/blackouts/", manage.blackout_add, name="blackout_add"),
    path("<int:pk>/manage/blackouts/<int:blackout_id>/delete/", manage.blackout_remove, name="blackout_remove"),
    path("<int:pk>/manage/qualifications/", manage.qualification_grant, name="qualification_grant"),
    path(
        "<int:pk>/manage/qualifications/<int:user_id>/revoke/", manage.qualification_revoke, name="qualification_revoke"
    ),
    path("<int:pk>/manage/usage/", manage.usage_record, name="usage_record"),
    # faults and downtime: history (public), 报告故障, 故障停机, recurring maintenance
    path("<int:pk>/problems/", problem_views.problem_history, name="problems"),
    path("<int:pk>/problems/new/", problem_views.problem_create, name="problem_create"),
    *transition_urls(PROBLEM, "problems/<int:problem_id>/{}/", problem_views.problem_action, name="problem_{}"),
    path("<int:pk>/manage/shutdowns/", shutdown_views.shutdown_add, name="shutdown_add"),
    path("<int:pk>/manage/shutdowns/<int:shutdown_id>/end/", shutdown_views.shutdown_end, name="shutdown_end"),
    path("<int:pk>/manage/maintenance/", shutdown_views.maintenance_add, name="maintenance_add"),
    path(
        "<int:pk>/manage/maintenance/<uuid:series>/delete/",
        shutdown_views.maintenance_remove,
        name="maintenance_remove",
    ),
    # a booking's transitions (取消, 批准, 驳回, 签到, 签退), one URL each, from its lifecycle table
    *transition_urls(BOOKING, "bookings/<int:booking_id>/{}/", booking_actions.booking_action, name="booking_{}"),
    # changing a booking: 改期 (move or resize), 代为预约 (staff book for a user)
    path("bookings/<int:booking_id>/move/", move_views.booking_move_page, name="booking_move"),
    path("<int:pk>/manage/book-for/", move_views.booking_on_behalf, name="booking_on_behalf"),
    # testing orders (分析测试)
    path("services/<int:service_id>/order/", order_views.order_submit, name="order_submit"),
    path("orders/", order_views.my_orders, name="my_orders"),
    path("manage/orders/", order_views.manage_orders, name="manage_orders"),
    path("orders/<int:order_id>/", order_views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/report/", order_views.order_report, name="order_report"),
    # an order's steps (报价, 确认, 收样, 开始检测, 上传报告, 结算, 取消), from its lifecycle table
    *transition_urls(
        TESTORDER,
        "orders/<int:order_id>/{}/",
        order_views.order_step,
        name="order_{}",
        segments={"report": "upload-report"},
        names={"report": "order_upload_report"},
    ),
    # reports: openness, fee statements, registry XLSX
    path("openness/", report_views.openness_ranking, name="openness_ranking"),
    path("openness/ranking.xlsx", report_views.openness_ranking_xlsx, name="openness_ranking_xlsx"),
    path("openness/organizations/<int:org_id>/", report_views.openness_organization, name="openness_organization"),
    path("openness/instruments/<int:pk>/", report_views.openness_instrument, name="openness_instrument"),
    path("fees/statement/", report_views.fee_statement, name="fee_statement"),
    # who pays: the organisation's payer accounts (经费账户) and their statements
    path("payers/", payer_views.payers, name="payers"),
    path("payers/new/", payer_views.payer_create, name="payer_create"),
    path("payers/<int:pk>/", payer_views.payer_detail, name="payer_detail"),
    path("payers/<int:pk>/edit/", payer_views.payer_edit, name="payer_edit"),
    path("payers/<int:pk>/active/", payer_views.payer_set_active, name="payer_set_active"),
    path("payers/<int:pk>/statement.xlsx", payer_views.payer_statement_xlsx, name="payer_statement_xlsx"),
    path("fees/statement.xlsx", report_views.fee_statement_xlsx, name="fee_statement_xlsx"),
    path("registry/xlsx/", report_views.registry_xlsx, name="registry_xlsx"),
    path("registry/export.xlsx", report_views.registry_export, name="registry_export"),
    # registry: register and edit
    path("new/", registry_views.instrument_create, name="instrument_create"),
    path("<int:pk>/edit/", registry_views.instrument_edit, name="instrument_edit"),
    path("<int:pk>/photo/", registry_views.instrument_photo, name="instrument_photo"),
]
