from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.accounts.models import Network
from advocacy.shares.models import ShareStatus
from advocacy.users.models import Role
from campaigns.models import CampaignStatus, PackStatus
from dashboards.models import Provenance
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('name', fields.CharField(max_length=200)),
                ('role', fields.CharEnumField(description='AMBASSADOR: ambassador\nEDITOR: editor\nREVIEWER: reviewer\nLEADER: leader\nADMIN: admin', enum_type=Role, max_length=20)),
                ('password_hash', fields.CharField(max_length=255)),
                ('department', fields.CharField(default='', max_length=100)),
                ('region', fields.CharField(default='', max_length=100)),
                ('timezone', fields.CharField(default='UTC', max_length=64)),
                ('opted_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A person who signs in. Ambassadors additionally carry programme membership fields.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('token_digest', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_tokens', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A bearer token for API clients. Only its SHA-256 digest is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('slug', fields.CharField(unique=True, max_length=80)),
                ('description', fields.TextField(default='', unique=False)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=CampaignStatus.DRAFT, description='DRAFT: draft\nLAUNCHED: launched', enum_type=CampaignStatus, max_length=16)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='campaigns_created', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('launched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContentPack',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='packs', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('status', fields.CharEnumField(default=PackStatus.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved', enum_type=PackStatus, max_length=16)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='packs_authored', on_delete=OnDelete.RESTRICT)),
                ('reviewer', fields.ForeignKeyField('models.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='packs_reviewed', on_delete=OnDelete.RESTRICT)),
                ('review_note', fields.TextField(default='', unique=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'content_packs', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A set of posts that is reviewed and approved as one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pack', fields.ForeignKeyField('models.ContentPack', source_field='pack_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=300)),
                ('url', fields.CharField(max_length=2000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'posts', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One piece of brand content that ambassadors can reshare.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MessageVariant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='variants', on_delete=OnDelete.CASCADE)),
                ('network', fields.CharField(max_length=16)),
                ('text', fields.TextField(unique=False)),
            ],
            options={'table': 'message_variants', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A suggested message for one network. Several per network keep shares from looking identical.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SocialAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='social_accounts', on_delete=OnDelete.CASCADE)),
                ('network', fields.CharEnumField(description='LINKEDIN: linkedin\nX: x', enum_type=Network, max_length=16)),
                ('handle', fields.CharField(max_length=200)),
                ('external_id', fields.CharField(max_length=200)),
                ('followers', fields.IntField(null=True)),
                ('is_brand', fields.BooleanField(default=False)),
                ('status', fields.CharField(default='connected', max_length=32)),
                ('connected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_accounts', 'app': 'models', 'unique_together': (('network', 'external_id'),), 'pk_attr': 'id', 'table_description': 'A profile on one network that an ambassador (or the brand) publishes through.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BrandPost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='brand_posts', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.SocialAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='brand_posts', on_delete=OnDelete.RESTRICT)),
                ('network', fields.CharField(max_length=16)),
                ('external_id', fields.CharField(max_length=200)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'brand_posts', 'app': 'models', 'unique_together': (('post', 'network'),), 'pk_attr': 'id', 'table_description': 'The brand channel publication of a post, the baseline that ambassadors are compared with.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Share',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('models.SocialAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('variant', fields.ForeignKeyField('models.MessageVariant', source_field='variant_id', null=True, db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.SET_NULL)),
                ('network', fields.CharField(max_length=16)),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=ShareStatus.QUEUED, description='QUEUED: queued\nPUBLISHING: publishing\nPUBLISHED: published\nFAILED: failed\nUNCONFIRMED: unconfirmed\nCANCELLED: cancelled', enum_type=ShareStatus, max_length=16)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('lease_owner', fields.CharField(null=True, max_length=100)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('external_id', fields.CharField(null=True, max_length=200)),
                ('external_url', fields.CharField(null=True, max_length=2000)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shares', 'app': 'models', 'indexes': [Index(fields=['status', 'due_at'])], 'pk_attr': 'id', 'table_description': 'One reshare. The row is the truth about where the share is. The scheduler only wakes work.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MetricSnapshot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('share', fields.ForeignKeyField('models.Share', source_field='share_id', null=True, db_constraint=True, to_field='id', related_name='snapshots', on_delete=OnDelete.CASCADE)),
                ('brand_post', fields.ForeignKeyField('models.BrandPost', source_field='brand_post_id', null=True, db_constraint=True, to_field='id', related_name='snapshots', on_delete=OnDelete.CASCADE)),
                ('network', fields.CharField(max_length=16)),
                ('captured_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('impressions', fields.IntField(null=True)),
                ('reach', fields.IntField(null=True)),
                ('reactions', fields.IntField(null=True)),
                ('comments', fields.IntField(null=True)),
                ('reshares', fields.IntField(null=True)),
                ('clicks', fields.IntField(null=True)),
                ('provenance', fields.CharEnumField(description='MEASURED: measured\nESTIMATED: estimated\nSIMULATED: simulated', enum_type=Provenance, max_length=16)),
            ],
            options={'table': 'metric_snapshots', 'app': 'models', 'indexes': [Index(fields=['share_id', 'captured_at']), Index(fields=['brand_post_id', 'captured_at'])], 'pk_attr': 'id', 'table_description': 'Cumulative metrics of one share or one brand post at one moment. None means not reported.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShareEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('share', fields.ForeignKeyField('models.Share', source_field='share_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('from_status', fields.CharField(null=True, max_length=16)),
                ('to_status', fields.CharField(max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'share_events', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One status transition of a share, with when and why.'},
            bases=['Model'],
        ),
    ]
