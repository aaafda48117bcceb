"""The demo's content pack: four hospital stories with several suggested messages per network."""

from __future__ import annotations

POSTS: list[dict[str, object]] = [
    {
        "title": "Our new cardiac care unit opens its doors",
        "url": "https://www.northbrook.example/news/cardiac-unit",
        "messages": {
            "linkedin": [
                "I work at Northbrook Health and I'm proud of my colleagues who opened our new "
                "cardiac care unit this week: 24 beds, closer to home for thousands of families.",
                "Years of planning by nurses, cardiologists and facilities teams came together "
                "today. Our new cardiac care unit is open. #employee",
                "Heart care closer to home: Northbrook Health's new cardiac unit is now open. "
                "Views are my own; the pride is shared by the whole team. #employee",
            ],
            "x": [
                "Proud of my colleagues: our new cardiac care unit is open #employee",
                "24 new cardiac beds, closer to home. Proud to work at Northbrook Health #employee",
                "Heart care closer to home, starting today #employee",
            ],
        },
    },
    {
        "title": "Nurse residency programme: applications open",
        "url": "https://www.northbrook.example/careers/nurse-residency",
        "messages": {
            "linkedin": [
                "Know a new graduate nurse? Our 12-month residency programme pairs every resident "
                "with a mentor. I work at Northbrook Health and I can vouch for it. #employee",
                "Applications are open for the Northbrook Health nurse residency. If you are "
                "starting your nursing career, this is a great place to grow. #employee",
            ],
            "x": [
                "New grad nurses: our residency programme is open for applications #employee",
                "Starting your nursing career? Come grow with us #employee",
            ],
        },
    },
    {
        "title": "Free community flu clinics this month",
        "url": "https://www.northbrook.example/community/flu-clinics",
        "messages": {
            "linkedin": [
                "Free flu shots at eight Northbrook Health sites this month, no appointment "
                "needed. Please pass it on to neighbours and family. #employee",
                "Our teams are running free community flu clinics all month. Find the nearest "
                "one at the link. I work at Northbrook Health. #employee",
            ],
            "x": [
                "Free flu shots, no appointment needed, all month #employee",
                "Find a free flu clinic near you #employee",
            ],
        },
    },
    {
        "title": "Research: faster stroke treatment with mobile CT",
        "url": "https://www.northbrook.example/research/mobile-stroke-unit",
        "messages": {
            "linkedin": [
                "Our research team published results from the mobile stroke unit pilot: treatment "
                "started 30 minutes sooner on average. Proud to work here. #employee",
                "Every minute counts in a stroke. Our mobile CT pilot cut time to treatment, and "
                "the study is now published. Views are my own. #employee",
            ],
            "x": [
                "Mobile CT cut stroke time-to-treatment by 30 minutes in our pilot #employee",
                "Every minute counts: our mobile stroke unit study is out #employee",
            ],
        },
    },
]
