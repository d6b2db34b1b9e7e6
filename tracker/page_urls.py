"""The server-rendered pages and the feed (owned by the web pages work, issue 4).

URL names used by models' get_absolute_url: prisoner-detail-page, release-event-detail-page,
deal-detail-page, destination-detail-page.
"""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from corrections import views as correction_views
from people import views as prisoner_views
from releases import views as release_views
from releases.feeds import ReleaseEventFeed, feed_stylesheet

urlpatterns = [
    path("", release_views.dashboard, name="dashboard"),
    path("prisoners/", prisoner_views.prisoner_list, name="prisoner-list-page"),
    path("prisoners/<int:pk>/", prisoner_views.prisoner_detail, name="prisoner-detail-page"),
    path("releases/", release_views.release_event_list, name="release-event-list-page"),
    path("releases/<slug:slug>/", release_views.release_event_detail, name="release-event-detail-page"),
    path("deals/", release_views.deal_list, name="deal-list-page"),
    path("deals/<slug:slug>/", release_views.deal_detail, name="deal-detail-page"),
    path("destinations/", release_views.destination_list, name="destination-list-page"),
    path("destinations/<str:code>/", release_views.destination_detail, name="destination-detail-page"),
    path("countries/", release_views.country_list, name="country-list-page"),
    path("countries/<str:code>/", release_views.country_page, name="country-page"),
    path("feeds/releases/", ReleaseEventFeed(), name="release-feed"),
    path("feeds/releases.xsl", feed_stylesheet, name="release-feed-stylesheet"),
    path("methodology/", release_views.methodology, name="methodology"),
    path("released/", release_views.released_breakdown, name="released-breakdown"),
    path("report/<str:kind>/<str:key>/", correction_views.report_form, name="report-inaccuracy"),
    path("report/thanks/", correction_views.report_thanks, name="report-thanks"),
    path("corrections/", correction_views.corrections_log, name="corrections-log"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=True)),
]
