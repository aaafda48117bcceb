"""The dashboards on the web: pages, the reporting API, the programme costs page and the figure cache."""
