"""A fictional county, Northvale: 8 partnerships, 25 agencies, one user per role."""

from __future__ import annotations

from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.audit.service import record
from portal.demo.family_contact import load_demo_family_contact
from portal.demo.media_inquiries import load_demo_media_inquiries
from portal.demo.publication import load_demo_publications
from portal.demo.reviews import load_demo_reviews
from portal.extensions import db
from portal.organisations.models import Agency, Partnership, Sector
from portal.trawls.service import refresh_overview_keys

DEMO_PASSWORD = "northvale-demo-2026"  # noqa: S105 - fictional demo accounts, refused in production  # nosec B105

PARTNERSHIPS = (
    "Northvale City Community Safety Partnership",
    "Brackmoor Community Safety Partnership",
    "Carrowdale Community Safety Partnership",
    "Eldermere Community Safety Partnership",
    "Fenwick Marsh Community Safety Partnership",
    "Greyholt Community Safety Partnership",
    "Hollinbridge Community Safety Partnership",
    "Kestrel Downs Community Safety Partnership",
)

AGENCIES = (
    ("Northvale Police", Sector.POLICE),
    ("British Transport Police (Northvale area)", Sector.POLICE),
    ("Northvale Integrated Care Board", Sector.HEALTH),
    ("Northvale Hospitals NHS Trust", Sector.HEALTH),
    ("Northvale Mental Health NHS Trust", Sector.HEALTH),
    ("Northvale Ambulance Service", Sector.HEALTH),
    ("Northvale GP Federation", Sector.HEALTH),
    ("Northvale Probation Delivery Unit", Sector.PROBATION),
    ("HMP Greyholt", Sector.PROBATION),
    ("Northvale County Council Adult Social Care", Sector.LOCAL_AUTHORITY),
    ("Northvale County Council Children's Social Care", Sector.LOCAL_AUTHORITY),
    ("Northvale County Council Public Health", Sector.LOCAL_AUTHORITY),
    ("Brackmoor District Council Housing", Sector.HOUSING),
    ("Northvale City Council Housing Options", Sector.HOUSING),
    ("Kestrel Homes Housing Association", Sector.HOUSING),
    ("Carrowdale Housing Trust", Sector.HOUSING),
    ("Northvale Domestic Abuse Service", Sector.VOLUNTARY),
    ("Safe Harbour Refuge", Sector.VOLUNTARY),
    ("Northvale Drug and Alcohol Recovery Service", Sector.VOLUNTARY),
    ("Northvale Victim Support Hub", Sector.VOLUNTARY),
    ("Northvale Independent Domestic Violence Advisers", Sector.VOLUNTARY),
    ("Northvale College", Sector.EDUCATION),
    ("Northvale Schools Safeguarding Service", Sector.EDUCATION),
    ("Northvale Fire and Rescue Service", Sector.OTHER),
    ("Department for Work and Pensions (Northvale)", Sector.OTHER),
)

USERS = (
    ("admin@northvale.example", "Morgan Hale", Role.ADMIN, None, None),
    ("review.officer@northvale.example", "Sam Okafor-Reid", Role.REVIEW_OFFICER, None, None),
    ("csp.team@northvale.example", "Jordan Pike", Role.CSP_TEAM, None, PARTNERSHIPS[0]),
    ("police.lead@northvale.example", "Casey Rowe", Role.AGENCY_LEAD, "Northvale Police", None),
    (
        "health.lead@northvale.example",
        "Robin Ashcombe",
        Role.AGENCY_LEAD,
        "Northvale Hospitals NHS Trust",
        None,
    ),
)


class DemoRefused(RuntimeError):
    pass


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")


def load_demo_data(config, only_if_empty: bool = False) -> str:
    if config["PORTAL_ENV"] == "production":
        raise DemoRefused("Demo data is never loaded in production (PORTAL_ENV=production).")
    if User.select().exists():
        if only_if_empty:
            return "The database already has users: demo data not loaded."
        raise DemoRefused("The database already has users. Demo data goes into an empty database only.")
    password_hash = hash_password(DEMO_PASSWORD)
    with db.database.atomic():
        partnerships = {name: Partnership.create(name=name) for name in PARTNERSHIPS}
        agencies = {
            name: Agency.create(name=name, sector=sector, contact_email=f"safeguarding@{_slug(name)}.example")
            for name, sector in AGENCIES
        }
        users = {}
        for email, full_name, role, agency, partnership in USERS:
            users[role] = User.create(
                email=email,
                full_name=full_name,
                role=role,
                password_hash=password_hash,
                agency=agencies[agency] if agency else None,
                partnership=partnerships[partnership] if partnership else None,
            )
        reviews = load_demo_reviews(users[Role.REVIEW_OFFICER])
        load_demo_family_contact(users[Role.REVIEW_OFFICER])
        csp_partnership = users[Role.CSP_TEAM].partnership
        reviews += load_demo_publications(users[Role.REVIEW_OFFICER], csp_partnership, config)
        media_inquiries = load_demo_media_inquiries(config)
        # The demo writes requests directly, not through the trawl service that keeps
        # each review's overview sort keys: work them out once for all.
        refresh_overview_keys(None)
        counts = {
            "partnerships": len(partnerships),
            "agencies": len(agencies),
            "users": len(USERS),
            "reviews": reviews,
            "media_inquiries": media_inquiries,
        }
        record("demo_data_loaded", counts=counts)
    return "Loaded demo data: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + "."
