from tortoise import migrations
from tortoise.migrations import operations as ops
from campaigns.models import CorrectionStatus, PackStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Correction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('variant', fields.ForeignKeyField('models.MessageVariant', source_field='variant_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.CASCADE)),
                ('original_text', fields.TextField(unique=False)),
                ('corrected_text', fields.TextField(unique=False)),
                ('reason', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=CorrectionStatus.IN_REVIEW, description='IN_REVIEW: in_review\nAPPROVED: approved\nREJECTED: rejected', enum_type=CorrectionStatus, max_length=16)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='corrections_proposed', on_delete=OnDelete.RESTRICT)),
                ('reviewer', fields.ForeignKeyField('models.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='corrections_reviewed', on_delete=OnDelete.RESTRICT)),
                ('proposed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'corrections', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A corrected wording of an approved message. It is reviewed again before it replaces the text.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CorrectionNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='correction_notices', on_delete=OnDelete.CASCADE)),
                ('correction', fields.ForeignKeyField('models.Correction', source_field='correction_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE)),
                ('share', fields.ForeignKeyField('models.Share', source_field='share_id', db_constraint=True, to_field='id', related_name='correction_notices', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'correction_notices', 'app': 'models', 'unique_together': (('correction', 'share'),), 'pk_attr': 'id', 'table_description': 'Tells an ambassador that a post they shared was corrected, with the new text and their post.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Revision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pack', fields.ForeignKeyField('models.ContentPack', source_field='pack_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('action', fields.CharField(max_length=40)),
                ('detail', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'revisions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One change to a pack or its posts: who, when and what.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='ContentPack',
            name='status',
            field=fields.CharEnumField(default=PackStatus.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nEXPIRED: expired\nARCHIVED: archived', enum_type=PackStatus, max_length=16),
        ),
        ops.AddField(
            model_name='ContentPack',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Post',
            name='brand_ref_linkedin',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Post',
            name='brand_ref_x',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Post',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Post',
            name='link_description',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Post',
            name='link_image',
            field=fields.CharField(default='', max_length=2000),
        ),
        ops.AddField(
            model_name='Post',
            name='link_title',
            field=fields.CharField(default='', max_length=300),
        ),
        ops.AddField(
            model_name='Post',
            name='media_url',
            field=fields.CharField(default='', max_length=2000),
        ),
    ]
