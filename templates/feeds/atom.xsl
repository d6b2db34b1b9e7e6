<?xml version="1.0" encoding="utf-8"?>{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}
<!-- Shows the Atom feed of release events as a page when it is opened in a browser; feed readers ignore it.
     Rendered per language (releases.feeds.feed_stylesheet), so /be/feeds/releases/ reads in Belarusian. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="{{ LANGUAGE_CODE }}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/></title>
        <link rel="stylesheet" href="{% static 'css/site.css' %}"/>
        <link rel="icon" href="{% static 'favicon.svg' %}" type="image/svg+xml"/>
      </head>
      <body>
        <header class="site-header">
          <div class="wrap header-inner">
            <a class="brand" href="{% url 'dashboard' %}"><span>{% translate "Release Tracker" %}</span></a>
          </div>
        </header>
        <main class="wrap feed-page">
          <div class="page-head">
            <h1><xsl:value-of select="atom:title"/></h1>
            <p class="lede"><xsl:value-of select="atom:subtitle"/></p>
            <p class="notice info">{% translate "This is a news feed. Copy its address into a feed reader to follow new release events:" %}
              <code class="feed-url"><xsl:value-of select="atom:link[@rel='self']/@href"/></code>.
              <a href="{atom:link[@rel='alternate']/@href}">{% translate "Or read the release events on the site." %}</a></p>
          </div>
          <ol class="feed-entries">
            <xsl:for-each select="atom:entry">
              <li class="card">
                <h2><a href="{atom:link/@href}"><xsl:value-of select="atom:title"/></a></h2>
                <p class="small muted"><xsl:value-of select="atom:category/@term"/></p>
                <div class="feed-summary"><xsl:value-of select="atom:summary" disable-output-escaping="yes"/></div>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
