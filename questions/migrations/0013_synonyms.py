"""Synonyms editors curate, seeded with the project's own set for e-commerce operations and
hiring; every change bumps the bank version, so cached searches are renewed at once.

The seed is the project's addition, not the source page's: marked `added_by_project`.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


ONE_WAY, TWO_WAY, ABBREVIATION = "one-way", "two-way", "abbreviation"

# (term, synonyms, kind). One-way entries widen a recruiter's word to the bank's words.
SEED = [
    # People
    ("shopper", "customer", ONE_WAY),
    ("buyer", "customer", ONE_WAY),
    ("client", "customer", ONE_WAY),
    ("consumer", "customer", ONE_WAY),
    ("staff", "team", ONE_WAY),
    ("employee", "team", ONE_WAY),
    ("people", "team", ONE_WAY),
    ("workforce", "team", ONE_WAY),
    ("colleague", "team", ONE_WAY),
    ("headcount", "team, workloads", ONE_WAY),
    ("staffing", "team, workloads", ONE_WAY),
    ("manager", "leader, leadership", ONE_WAY),
    ("supervisor", "leader, leadership", ONE_WAY),
    # Feelings and trouble
    ("angry", "dissatisfied, dissatisfaction", ONE_WAY),
    ("upset", "dissatisfied, dissatisfaction", ONE_WAY),
    ("unhappy", "dissatisfied, dissatisfaction", ONE_WAY),
    ("irate", "dissatisfied, dissatisfaction", ONE_WAY),
    ("furious", "dissatisfied, dissatisfaction", ONE_WAY),
    ("frustrated", "dissatisfied, dissatisfaction", ONE_WAY),
    ("annoyed", "dissatisfied, dissatisfaction", ONE_WAY),
    ("complaint", "dissatisfied, dissatisfaction, feedback", ONE_WAY),
    ("complaining", "dissatisfied, dissatisfaction, feedback", ONE_WAY),
    ("refund", "dissatisfied, customer service", ONE_WAY),
    ("disagreement", "conflict", ONE_WAY),
    ("dispute", "conflict", ONE_WAY),
    ("friction", "conflict", ONE_WAY),
    ("argument", "conflict", ONE_WAY),
    ("difficult", "tough, challenging", ONE_WAY),
    ("hard", "tough, challenging", ONE_WAY),
    ("mistake", "failed, failure", ONE_WAY),
    ("postmortem", "failed, learn", ONE_WAY),
    ("retrospective", "failed, learn", ONE_WAY),
    ("outage", "downtime, failure", ONE_WAY),
    ("crash", "downtime, failure", ONE_WAY),
    ("crashed", "downtime, failure", ONE_WAY),
    ("site down", "downtime", ONE_WAY),
    ("emergency", "crisis", ONE_WAY),
    ("incident", "crisis, failure", ONE_WAY),
    ("root cause", "troubleshoot, resolve", ONE_WAY),
    ("bug", "troubleshoot, technical problem", ONE_WAY),
    ("delay", "timelines, deadlines, disruption", ONE_WAY),
    ("delayed", "timelines, deadlines, disruption", ONE_WAY),
    ("late", "timelines, deadlines", ONE_WAY),
    ("slipping", "timelines, deadlines", ONE_WAY),
    ("backlog", "influx, prioritize", ONE_WAY),
    ("bottleneck", "efficiency, constraints", ONE_WAY),
    ("burnout", "workloads, motivate", ONE_WAY),
    # Operations, logistics and stock
    ("warehouse", "inventory, logistics, supply chain", ONE_WAY),
    ("stock", "inventory", ONE_WAY),
    ("stockout", "out of stock, stock shortage, backorder", TWO_WAY),
    ("stockout", "inventory", ONE_WAY),
    ("overstock", "excess inventory, surplus stock", TWO_WAY),
    ("overstock", "inventory", ONE_WAY),
    ("replenishment", "inventory, supply chain", ONE_WAY),
    ("demand planning", "forecasting demand", ONE_WAY),
    ("lead time", "supply chain", ONE_WAY),
    ("fulfilment", "fulfillment", TWO_WAY),
    ("fulfilment", "logistics, order management", ONE_WAY),
    ("fulfillment", "logistics, order management", ONE_WAY),
    ("shipping", "logistics", ONE_WAY),
    ("delivery", "logistics", ONE_WAY),
    ("last mile", "delivery, logistics", ONE_WAY),
    ("carrier", "logistics", ONE_WAY),
    ("supplier", "supply chain", ONE_WAY),
    ("vendor", "supply chain", ONE_WAY),
    ("holiday", "high-traffic, cyber monday, sale", ONE_WAY),
    ("christmas", "high-traffic, cyber monday, sale", ONE_WAY),
    ("seasonal", "high-traffic, cyber monday, sale", ONE_WAY),
    ("peak", "high-traffic, cyber monday, sale", ONE_WAY),
    ("black friday", "high-traffic, cyber monday, sale", ONE_WAY),
    ("peak season", "black friday, holiday season", TWO_WAY),
    ("spike", "sudden, influx, high-traffic", ONE_WAY),
    ("surge", "sudden, influx, high-traffic", ONE_WAY),
    ("rush", "sudden, influx, high-traffic", ONE_WAY),
    ("flood", "sudden, influx", ONE_WAY),
    # Platforms and technology
    ("website", "site, platform", ONE_WAY),
    ("site", "website, platform", ONE_WAY),
    ("webshop", "website, e-commerce platform", ONE_WAY),
    ("online store", "website, e-commerce platform", ONE_WAY),
    ("storefront", "website, e-commerce platform", ONE_WAY),
    ("ecommerce", "e-commerce", ONE_WAY),
    ("online retail", "e-commerce", ONE_WAY),
    ("online", "e-commerce", ONE_WAY),
    ("multichannel", "multi-channel", ONE_WAY),
    ("omnichannel", "multi-channel", ONE_WAY),
    ("marketplace", "multi-channel, platforms", ONE_WAY),
    ("replatforming", "platform migration, new e-commerce platform", ONE_WAY),
    ("platform migration", "new e-commerce platform, integrate", ONE_WAY),
    ("migration", "integrate, new technology", ONE_WAY),
    ("rollout", "implementing, integrate", ONE_WAY),
    ("go-live", "launch", ONE_WAY),
    ("security", "cybersecurity", ONE_WAY),
    ("breach", "cybersecurity, threats", ONE_WAY),
    ("hack", "cybersecurity, threats", ONE_WAY),
    ("hacker", "cybersecurity, threats", ONE_WAY),
    ("fraud", "cybersecurity, threats", ONE_WAY),
    ("attack", "cybersecurity, threats", ONE_WAY),
    ("growth", "scalability, scalable", ONE_WAY),
    ("scaling", "scalability, scalable", ONE_WAY),
    ("budget", "resources", ONE_WAY),
    ("cost", "resources, profitability", ONE_WAY),
    ("deadline", "timelines, milestones", ONE_WAY),
    ("schedule", "timelines, milestones", ONE_WAY),
    ("roadmap", "strategic plan, strategic planning", ONE_WAY),
    ("reorganisation", "restructuring", ONE_WAY),
    ("reorganization", "restructuring", ONE_WAY),
    ("reorg", "restructuring", ONE_WAY),
    ("scope creep", "project scope", ONE_WAY),
    ("cross-functional", "coordinate, departments", ONE_WAY),
    ("helpdesk", "customer service, tickets", ONE_WAY),
    ("support", "customer service", ONE_WAY),
    # Metrics, analysis and measurement
    ("kpi", "kpis, key performance indicators, metrics", ONE_WAY),
    ("metric", "kpis, metrics", ONE_WAY),
    ("numbers", "metrics, data", ONE_WAY),
    ("dashboard", "metrics, reporting", ONE_WAY),
    ("experiment", "a/b testing", ONE_WAY),
    ("split", "a/b testing", ONE_WAY),
    ("predict", "forecasting", ONE_WAY),
    ("prediction", "forecasting", ONE_WAY),
    ("projection", "forecasting", ONE_WAY),
    ("churn", "customer attrition", TWO_WAY),
    ("churn", "customer lifetime value", ONE_WAY),
    ("retention", "customer lifetime value", ONE_WAY),
    ("loyalty", "customer lifetime value", ONE_WAY),
    ("repeat purchase", "customer lifetime value", ONE_WAY),
    ("cart abandonment", "abandoned cart, checkout drop-off", TWO_WAY),
    ("cart abandonment", "conversion rate", ONE_WAY),
    ("checkout", "conversion rate", ONE_WAY),
    ("conversion", "conversion rate", ONE_WAY),
    ("anomaly", "disparities", ONE_WAY),
    ("discrepancy", "disparities", ONE_WAY),
    ("reconciliation", "disparities, validate", ONE_WAY),
    ("messy", "clean, data quality", ONE_WAY),
    ("dirty", "clean, data quality", ONE_WAY),
    ("data cleansing", "clean, prepare, datasets", ONE_WAY),
    ("reviews", "customer feedback, unstructured data", ONE_WAY),
    ("sentiment", "customer feedback, unstructured data", ONE_WAY),
    ("competitor", "competitive advantage", ONE_WAY),
    # Abbreviations: each finds what it stands for and the reverse
    ("aov", "average order value", ABBREVIATION),
    ("aov", "conversion rate, customer lifetime value, metrics", ONE_WAY),
    ("clv", "customer lifetime value", ABBREVIATION),
    ("ltv", "lifetime value, customer lifetime value", ABBREVIATION),
    ("cac", "customer acquisition cost", ABBREVIATION),
    ("csat", "customer satisfaction", ABBREVIATION),
    ("csat", "customer service, feedback", ONE_WAY),
    ("nps", "net promoter score", ABBREVIATION),
    ("nps", "customer satisfaction, customer feedback", ONE_WAY),
    ("ces", "customer effort score", ABBREVIATION),
    ("sla", "service level agreement, service levels", ABBREVIATION),
    ("sla", "customer service, tickets", ONE_WAY),
    ("okr", "objectives and key results", ABBREVIATION),
    ("okr", "goals, kpis, metrics", ONE_WAY),
    ("roi", "return on investment", ABBREVIATION),
    ("sku", "stock keeping unit", ABBREVIATION),
    ("sku", "product, inventory", ONE_WAY),
    ("3pl", "third-party logistics", ABBREVIATION),
    ("3pl", "logistics, supply chain", ONE_WAY),
    ("wms", "warehouse management system", ABBREVIATION),
    ("wms", "inventory, logistics", ONE_WAY),
    ("oms", "order management system", ABBREVIATION),
    ("erp", "enterprise resource planning", ABBREVIATION),
    ("crm", "customer relationship management", ABBREVIATION),
    ("cro", "conversion rate optimization", ABBREVIATION),
    ("cro", "conversion rate", ONE_WAY),
    ("seo", "search engine optimization", ABBREVIATION),
    ("ddos", "distributed denial of service", ABBREVIATION),
    ("ddos", "cybersecurity, downtime", ONE_WAY),
    ("pci", "payment card industry", ABBREVIATION),
    ("pci", "cybersecurity", ONE_WAY),
    ("etl", "extract transform load", ABBREVIATION),
    ("etl", "datasets, data modeling", ONE_WAY),
    ("bi", "business intelligence", ABBREVIATION),
    ("bi", "data analytics", ONE_WAY),
    ("ux", "user experience", ABBREVIATION),
    ("qa", "quality assurance", ABBREVIATION),
    ("wfh", "working from home", ABBREVIATION),
    ("wfh", "remote", ONE_WAY),
    # Ways of working
    ("kanban", "agile, scrum", ONE_WAY),
    ("sprint", "agile, scrum", ONE_WAY),
    ("waterfall", "project management methodologies", ONE_WAY),
    ("onboarding", "training, trained", ONE_WAY),
    ("upskilling", "training, trained", ONE_WAY),
    ("teaching", "training, trained", ONE_WAY),
    ("coaching", "training, motivate", ONE_WAY),
    ("mentoring", "training, motivate", ONE_WAY),
    ("morale", "motivate", ONE_WAY),
    ("engagement", "motivate, morale", ONE_WAY),
    ("distributed", "remote, hybrid", ONE_WAY),
    ("time zones", "remote, hybrid", ONE_WAY),
    ("delegate", "delegation", ONE_WAY),
    ("decision", "decision-making", ONE_WAY),
    # British spellings of words the bank spells the American way
    ("prioritise", "prioritize", ONE_WAY),
    ("prioritisation", "prioritization", ONE_WAY),
    ("optimise", "optimize", ONE_WAY),
    ("organisation", "organizational", ONE_WAY),
    ("analyse", "analyze", ONE_WAY),
]

# Any change to the table bumps the bank version, as changes to questions do (0007).
BANK_VERSION_SQL = """
CREATE TRIGGER questions_synonym_bank_version
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON questions_synonym
    FOR EACH STATEMENT EXECUTE FUNCTION questions_bank_version_bump();
"""
DROP_BANK_VERSION_SQL = "DROP TRIGGER IF EXISTS questions_synonym_bank_version ON questions_synonym;"

EDITOR_PERMISSIONS = ["view_synonym", "add_synonym", "change_synonym", "delete_synonym"]


def seed(apps, schema_editor):
    Synonym = apps.get_model("questions", "Synonym")
    Synonym.objects.bulk_create(
        [
            Synonym(term=term, synonyms=synonyms, kind=kind, added_by_project=True)
            for term, synonyms, kind in SEED
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("questions", "Synonym").objects.filter(added_by_project=True).delete()


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="questions", codename__in=EDITOR_PERMISSIONS
    )
    for group in Group.objects.filter(name="Question editor"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Question editor"):
        group.permissions.remove(*group.permissions.filter(codename__in=EDITOR_PERMISSIONS))


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0012_english_words'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalSynonym',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('term', models.CharField(help_text='A word or short phrase as a recruiter types it (for an abbreviation: the short form).', max_length=60)),
                ('synonyms', models.CharField(help_text='Comma-separated words or phrases, e.g. "average order value, basket value".', max_length=300)),
                ('kind', models.CharField(choices=[('one-way', 'One-way: the term also finds its synonyms'), ('two-way', 'Two-way: each word or phrase finds all the others'), ('abbreviation', 'Abbreviation: the short form and what it stands for')], default='one-way', max_length=12)),
                ('added_by_project', models.BooleanField(default=False, help_text="Part of the set the project ships, rather than an editor's own addition.")),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical synonym',
                'verbose_name_plural': 'historical synonyms',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Synonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(help_text='A word or short phrase as a recruiter types it (for an abbreviation: the short form).', max_length=60)),
                ('synonyms', models.CharField(help_text='Comma-separated words or phrases, e.g. "average order value, basket value".', max_length=300)),
                ('kind', models.CharField(choices=[('one-way', 'One-way: the term also finds its synonyms'), ('two-way', 'Two-way: each word or phrase finds all the others'), ('abbreviation', 'Abbreviation: the short form and what it stands for')], default='one-way', max_length=12)),
                ('added_by_project', models.BooleanField(default=False, help_text="Part of the set the project ships, rather than an editor's own addition.")),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['term'],
                'constraints': [models.UniqueConstraint(fields=('term', 'kind'), name='synonym_term_kind_unique')],
            },
        ),
        migrations.RunSQL(BANK_VERSION_SQL, DROP_BANK_VERSION_SQL),
        migrations.RunPython(seed, unseed),
        migrations.RunPython(grant, revoke),
    ]
