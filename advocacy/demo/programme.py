"""Seeds the demo's programme: the hospital's social media guidelines, its training modules, and
the consent and acknowledgements of the ambassadors who opted in (so the demo shares at once)."""

from __future__ import annotations

from advocacy.clock import Clock
from advocacy.programme import guidelines
from advocacy.programme.models import (
    ConsentAction,
    ConsentEvent,
    GuidelineAcknowledgement,
    TrainingCompletion,
    TrainingModule,
)
from advocacy.users.models import User

GUIDELINES_TITLE = "Social media guidelines for Northbrook Health employees"
# The hospital's employee guidelines, in the organisation's own words (first customer's policy).
GUIDELINES = """\
The same basic policies apply online as everywhere else in your working life. These guidelines \
explain how they apply to blogs, social networks and this ambassador programme, so you can take \
part with confidence.

# For every employee

1. **Follow all Northbrook Health policies.** Never share confidential or proprietary information, \
and always protect patient privacy. The policies on patient confidentiality, release of patient \
information to the media, photography and video, political activity, mutual respect and computer, \
email and internet use matter most here.
2. **Write in the first person.** Where your connection to Northbrook Health is apparent, make clear \
that you speak for yourself and not for the organisation, for example: “The views expressed here \
are my own and do not reflect the views of my employer.”
3. **Disclose your connection.** When you write about Northbrook Health or related matters, say \
that you work here and what your role is. Strive for accuracy: errors and omissions reflect poorly \
on all of us and may create liability.
4. **Use a personal email address** to identify yourself online, not your work address.
5. **Leave us out of it when it does not fit.** If a post would be inconsistent with or harm the \
organisation's reputation, do not refer to Northbrook Health or your connection to it.
6. **Be respectful and professional** to colleagues, partners, competitors and patients. Avoid \
unprofessional personas.
7. **Keep it from interfering with your work** commitments.
8. **Ask Public Affairs** when you are unsure what is appropriate. If you would not want your \
manager or colleagues to see it, do not post it.

# Official participation

- Speaking online on behalf of Northbrook Health, or setting up an official account or site, must \
be approved and coordinated by Public Affairs.
- Using outside websites for work purposes must first be approved by Public Affairs together with \
the Office for Compliance.

# Our code of ethics online

- Our posts and comments are accurate and factual.
- We acknowledge and correct mistakes promptly.
- When we correct a post we keep the original visible, struck through, to show what changed.
- We remove spam and off-topic comments, and reply when appropriate.
- We link directly to references and original sources.
- Staff disclose conflicts of interest and never hide their identity or that they work here.
"""

# The training programme's four learning objectives, one module each; the first is required.
MODULES = [
    ("professionalism", "Professionalism, risk management and compliance",
     "The policies and guidelines for safe, appropriate use of social tools, and where to find help.",
     True, 15,
     "Sharing as an ambassador is sharing as yourself, about where you work.\n\n"
     "- Read the social media guidelines and follow them in every post.\n"
     "- **Never** share anything that could identify a patient: names, ages, dates, rooms, photos.\n"
     "- Disclose your connection: the suggested messages carry #employee; keep it when you edit.\n"
     "- Unsure? Ask Public Affairs before you post, not after.\n\n"
     "Every message is checked before it goes out, but the check is a safety net, not a licence."),
    ("best-practices", "Best practices and case studies",
     "Confidence with the platforms, and examples of their good use for health.",
     False, 20,
     "Posts that work are personal: say in a sentence why the story matters to you.\n\n"
     "- Personalise the suggested message: identical posts from many colleagues look staged.\n"
     "- Share when your network is reading; auto-queue picks a good time for you.\n"
     "- Reply to comments politely, or not at all; never discuss a patient's care online."),
    ("strategy", "Supporting the organisation's strategy",
     "How social tools help broader goals, and planning your own use of them.",
     False, 15,
     "Campaigns follow the organisation's priorities: recruitment, new services, research, "
     "community health.\n\nPick the posts that match what you do and care about; you never have to "
     "share everything, and not sharing is always fine."),
    ("measurement", "Measurement: showing the value",
     "How the benefits of social media are measured, including ROI, and how results are reported.",
     False, 10,
     "Every share carries its own short link, so clicks are counted without tracking people.\n\n"
     "- Reach and engagement come from the platforms; figures are labelled measured, estimated or "
     "simulated.\n- Your own results are under *My results*; you can leave the leaderboard at any "
     "time."),
]


async def seed_programme(clock: Clock, admin: User, opted_in: list[User]) -> None:
    """Guidelines version 1, the training modules, and for every opted-in ambassador: their consent,
    their acknowledgement of version 1 and the required module completed."""
    version = await guidelines.publish_version(clock, admin, title=GUIDELINES_TITLE, body=GUIDELINES)
    now = clock.now()
    modules = [
        await TrainingModule.create(slug=slug, title=title, summary=summary, required=required,
                                    minutes=minutes, body=body, position=n, created_at=now)
        for n, (slug, title, summary, required, minutes, body) in enumerate(MODULES)
    ]
    required = [m for m in modules if m.required]
    await ConsentEvent.bulk_create([
        ConsentEvent(user_id=u.id, action=ConsentAction.OPT_IN, at=u.opted_in_at or now,
                     guideline_version=version.version, by_id=u.id, note="demo seed")
        for u in opted_in])
    await GuidelineAcknowledgement.bulk_create([
        GuidelineAcknowledgement(user_id=u.id, version_id=version.id, at=now) for u in opted_in])
    await TrainingCompletion.bulk_create([
        TrainingCompletion(user_id=u.id, module_id=m.id, completed_at=now)
        for u in opted_in for m in required])
