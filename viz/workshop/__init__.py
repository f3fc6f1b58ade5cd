"""The browser workshop: one shared game served to a facilitator, country teams and an observer.

`state` holds the process's one game object, `api` its JSON routes, `app` its Solara pages and
`server` starts both on one server. See docs/WORKSHOP.md.
"""
