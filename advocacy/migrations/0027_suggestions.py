"""Each used one-tap share link keeps its expiry, so it can be deleted once the link could no longer work."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0024_audit_forgets')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OneTapUse',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
