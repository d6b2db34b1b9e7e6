"""The server-rendered pages and the feed (owned by the web pages work, issue 4).

URL names used by models' get_absolute_url: prisoner-detail-page, release-event-detail-page,
deal-detail-page, destination-detail-page.
"""

urlpatterns = []
