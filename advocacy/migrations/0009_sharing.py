from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_programme')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SharingPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sharing_preference', on_delete=OnDelete.CASCADE)),
                ('start_minute', fields.IntField(default=480)),
                ('end_minute', fields.IntField(default=1080)),
                ('days', fields.CharField(default='01234', max_length=7)),
                ('daily_cap', fields.IntField(default=3)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sharing_preferences', 'app': 'models', 'pk_attr': 'id', 'table_description': 'When a person is happy for auto-queued shares to go out, read in their own time zone.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Post',
            name='featured',
            field=fields.BooleanField(default=False),
        ),
        # One share per person, post and network while it waits, goes out, is out or may be out: the
        # service checks first, and this index settles two requests that pass the check at once.
        # A partial index works the same on SQLite and PostgreSQL (the ORM cannot declare one).
        ops.RunSQL(
            "CREATE UNIQUE INDEX uniq_shares_person_post_network ON shares (user_id, post_id, network) "
            "WHERE status IN ('queued', 'publishing', 'published', 'paused', 'unconfirmed')",
            reverse_sql="DROP INDEX uniq_shares_person_post_network",
        ),
    ]
