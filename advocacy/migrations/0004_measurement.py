from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_connectors')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DailyRollup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('tracked', fields.ForeignKeyField('models.TrackedPost', source_field='tracked_id', db_constraint=True, to_field='id', related_name='rollups', on_delete=OnDelete.CASCADE)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='rollups', on_delete=OnDelete.CASCADE)),
                ('is_brand', fields.BooleanField()),
                ('network', fields.CharField(max_length=16)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='rollups', on_delete=OnDelete.SET_NULL)),
                ('department', fields.CharField(default='', max_length=100)),
                ('region', fields.CharField(default='', max_length=100)),
                ('impressions', fields.IntField(null=True)),
                ('reach', fields.IntField(null=True)),
                ('engagements', fields.IntField(null=True)),
                ('clicks', fields.IntField(null=True)),
                ('provenance', fields.CharField(max_length=16)),
            ],
            options={'table': 'daily_rollups', 'app': 'models', 'unique_together': (('tracked', 'day'),), 'indexes': [Index(fields=['campaign_id', 'day']), Index(fields=['day'])], 'pk_attr': 'id', 'table_description': 'What one tracked post gained on one day, with the slices dashboards group by.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EmvFormula',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('currency', fields.CharField(max_length=3)),
                ('rates', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'emv_formulas', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One version of the earned media value formula. A change is a new row, never an edit.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeaderboardChoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='leaderboard_choice', on_delete=OnDelete.CASCADE)),
                ('hidden', fields.BooleanField(default=True)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'leaderboard_choices', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An ambassador who chose to leave the leaderboard. Their figures still count in every total.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ParticipationDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(unique=True)),
                ('invited', fields.IntField()),
                ('opted_in', fields.IntField()),
                ('sharing', fields.IntField()),
            ],
            options={'table': 'participation_days', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Ambassadors invited, opted in and sharing as they were on a day, kept as history.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgrammeCost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='costs', on_delete=OnDelete.CASCADE)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('currency', fields.CharField(max_length=3)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'programme_costs', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What the programme cost for a period, for one campaign or for the whole programme.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShortLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=32)),
                ('share', fields.OneToOneField('models.Share', source_field='share_id', null=True, db_constraint=True, to_field='id', related_name='link', on_delete=OnDelete.CASCADE)),
                ('target_url', fields.CharField(max_length=4000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'short_links', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The short link of one share and the only address it ever redirects to.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LinkClickDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('link', fields.ForeignKeyField('models.ShortLink', source_field='link_id', db_constraint=True, to_field='id', related_name='click_days', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('clicks', fields.IntField(default=0)),
                ('unique_visitors', fields.IntField(default=0)),
                ('bot_clicks', fields.IntField(default=0)),
            ],
            options={'table': 'link_click_days', 'app': 'models', 'unique_together': (('link', 'day'),), 'pk_attr': 'id', 'table_description': 'Clicks on one link on one day, people and automated fetchers apart.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LinkVisitor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('link', fields.ForeignKeyField('models.ShortLink', source_field='link_id', db_constraint=True, to_field='id', related_name='visitors', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('visitor', fields.CharField(max_length=32)),
            ],
            options={'table': 'link_visitors', 'app': 'models', 'unique_together': (('link', 'day', 'visitor'),), 'pk_attr': 'id', 'table_description': 'A keyed hash of one visitor on one day, only to count unique visitors. No address is kept.'},
            bases=['Model'],
        ),
    ]
