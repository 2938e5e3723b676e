"""API tokens are kept as digests: each stored key becomes its SHA-256, cut to 40 characters.

Tokens already given out keep working, since sign-in looks up the digest of the key
presented (interviewbank.auth.token_digest). There is no way back: undone, this leaves the
digests, and every token must be made anew on the account page.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0010_search_shards"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE authtoken_token SET key = left(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 40)",
            migrations.RunSQL.noop,
        ),
    ]
