from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.programme.models import ConditionKind, ConsentAction, SegmentMatch
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_connected_accounts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsentEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='consent_events', on_delete=OnDelete.RESTRICT)),
                ('action', fields.CharEnumField(description='OPT_IN: opt_in\nOPT_OUT: opt_out\nDEIDENTIFY: deidentify', enum_type=ConsentAction, max_length=16)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('guideline_version', fields.IntField(null=True)),
                ('by', fields.ForeignKeyField('models.User', source_field='by_id', null=True, db_constraint=True, to_field='id', related_name='consent_events_made', on_delete=OnDelete.SET_NULL)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'consent_events', 'app': 'models', 'indexes': [Index(fields=['user_id', 'at'])], 'pk_attr': 'id', 'table_description': 'One step of a person joining or leaving the programme. Rows are only ever appended.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuidelineVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='guideline_versions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guideline_versions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One version of the organisation social media guidelines. Versions are kept, never edited.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuidelineAcknowledgement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='guideline_acknowledgements', on_delete=OnDelete.CASCADE)),
                ('version', fields.ForeignKeyField('models.GuidelineVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='acknowledgements', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guideline_acknowledgements', 'app': 'models', 'unique_together': (('user', 'version'),), 'pk_attr': 'id', 'table_description': 'A person read and accepted one guideline version.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('token_digest', fields.CharField(unique=True, max_length=64)),
                ('invited_by', fields.ForeignKeyField('models.User', source_field='invited_by_id', null=True, db_constraint=True, to_field='id', related_name='invitations_sent', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('replaced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'invitations', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An emailed link to join the programme. Only the SHA-256 digest of its token is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'person_groups', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A named group of people (a committee, a team across departments) segments can target.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.PersonGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='group_memberships', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'group_members', 'app': 'models', 'unique_together': (('group', 'user'),), 'pk_attr': 'id', 'table_description': 'One person in one named group.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Segment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('match', fields.CharEnumField(default=SegmentMatch.ALL, description='ALL: all\nANY: any', enum_type=SegmentMatch, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'segments', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A named audience: people who meet all (or any) of its conditions.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignSegment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='segment_links', on_delete=OnDelete.CASCADE)),
                ('segment', fields.ForeignKeyField('models.Segment', source_field='segment_id', db_constraint=True, to_field='id', related_name='campaign_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'campaign_segments', 'app': 'models', 'unique_together': (('campaign', 'segment'),), 'pk_attr': 'id', 'table_description': 'A campaign targets a segment. A campaign with none reaches every opted-in ambassador.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SegmentCondition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('segment', fields.ForeignKeyField('models.Segment', source_field='segment_id', db_constraint=True, to_field='id', related_name='conditions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='DEPARTMENT: department\nREGION: region\nGROUP: group', enum_type=ConditionKind, max_length=16)),
                ('value', fields.CharField(default='', max_length=100)),
                ('group', fields.ForeignKeyField('models.PersonGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='conditions', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'segment_conditions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One condition of a segment: a department, a region or membership of a group.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingModule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=80)),
                ('title', fields.CharField(max_length=200)),
                ('summary', fields.TextField(default='', unique=False)),
                ('body', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('minutes', fields.IntField(default=10)),
                ('required', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_modules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A training module an ambassador reads and marks complete. Admins may make it required.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingCompletion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='training_completions', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('models.TrainingModule', source_field='module_id', db_constraint=True, to_field='id', related_name='completions', on_delete=OnDelete.CASCADE)),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_completions', 'app': 'models', 'unique_together': (('user', 'module'),), 'pk_attr': 'id', 'table_description': 'A person completed one training module.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='deidentified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='manager_email',
            field=fields.CharField(default='', max_length=254),
        ),
        ops.AddField(
            model_name='User',
            name='opted_out_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
