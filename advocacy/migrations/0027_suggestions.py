"""Ambassadors' suggestions of links for the editors' inbox, and the expiry of each used one-tap link
(so used links can be deleted once they could no longer work)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.suggestions.models import SuggestionStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0026_newsroom')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Suggestion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='suggestions', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2000)),
                ('note', fields.TextField(default='', unique=False)),
                ('message', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=SuggestionStatus.OPEN, description='OPEN: open\nACCEPTED: accepted\nDECLINED: declined', enum_type=SuggestionStatus, max_length=16)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='suggestions_decided', on_delete=OnDelete.SET_NULL)),
                ('decision_note', fields.TextField(default='', unique=False)),
                ('post', fields.OneToOneField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='suggestion', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'suggestions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A link an ambassador proposed in their feed, with their note and message, and its decision.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OneTapUse',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
