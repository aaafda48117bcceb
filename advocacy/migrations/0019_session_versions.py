"""A session version per person, and the one each sign-in token was issued under; when a password
reset's email was queued."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0018_operator_holds')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='session_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='session_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='PasswordReset',
            name='queued_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
