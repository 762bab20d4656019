// The embedded Store: one SQLite connection shared by a part per aggregate (this folder), each
// method one transaction. Methods that span aggregates (an inbound message that creates its lead,
// a reminder fired with its nudge) run in one transaction through the parts' `...Sync` helpers.
import type { Store } from '../store';
import { SqliteActivity } from './activity';
import { SqliteAttachments } from './attachments';
import { openDatabase, SqliteConnection } from './connection';
import { SqliteCrmEvents } from './crm-events';
import { SqliteEventLog } from './event-log';
import { SqliteInbound } from './inbound';
import { SqliteLeads } from './leads';
import { SqliteMessages } from './messages';
import { SqliteReminderStore } from './reminders';
import { SqliteStatuses } from './statuses';
import { SqliteTemplates } from './templates';
import { SqliteUsage } from './usage';
import { SqliteUsers } from './users';
import { SqliteWebhookInbox } from './webhook-inbox';
import { SqliteWorkspace } from './workspace';

export class SqliteStore implements Store {
  private readonly connection: SqliteConnection;
  private readonly workspace: SqliteWorkspace;
  private readonly users: SqliteUsers;
  private readonly leads: SqliteLeads;
  private readonly activity: SqliteActivity;
  private readonly crmEvents: SqliteCrmEvents;
  private readonly messages: SqliteMessages;
  private readonly inbound: SqliteInbound;
  private readonly statuses: SqliteStatuses;
  private readonly templates: SqliteTemplates;
  private readonly attachments: SqliteAttachments;
  private readonly usageCounters: SqliteUsage;
  private readonly eventLog: SqliteEventLog;
  private readonly webhookInbox: SqliteWebhookInbox;
  readonly reminders: SqliteReminderStore;

  constructor(file: string, opts: { nativeBinding?: string } = {}) {
    const c = new SqliteConnection(openDatabase(file, undefined, opts.nativeBinding), opts);
    this.connection = c;
    this.workspace = new SqliteWorkspace(c);
    this.users = new SqliteUsers(c);
    this.leads = new SqliteLeads(c);
    this.usageCounters = new SqliteUsage(c);
    this.eventLog = new SqliteEventLog(c);
    this.reminders = new SqliteReminderStore(c.db);
    this.activity = new SqliteActivity(c, this.reminders, { usage: this.usageCounters, eventLog: this.eventLog });
    this.crmEvents = new SqliteCrmEvents(c);
    this.messages = new SqliteMessages(c);
    this.inbound = new SqliteInbound(c, {
      leads: this.leads,
      messages: this.messages,
      activity: this.activity,
      usage: this.usageCounters,
      eventLog: this.eventLog,
    });
    this.statuses = new SqliteStatuses(c, this.usageCounters);
    this.templates = new SqliteTemplates(c);
    this.attachments = new SqliteAttachments(c);
    this.webhookInbox = new SqliteWebhookInbox(c);
  }

  async close() {
    await this.connection.close();
  }

  // workspace
  readonly workspaceTimeZone: Store['workspaceTimeZone'] = (...a) => this.workspace.workspaceTimeZone(...a);
  readonly setWorkspaceTimeZone: Store['setWorkspaceTimeZone'] = (...a) => this.workspace.setWorkspaceTimeZone(...a);
  readonly takeRoundRobinTurn: Store['takeRoundRobinTurn'] = (...a) => this.workspace.takeRoundRobinTurn(...a);
  readonly isEmpty: Store['isEmpty'] = (...a) => this.workspace.isEmpty(...a);
  // users, sessions, permission templates
  readonly createUser: Store['createUser'] = (...a) => this.users.createUser(...a);
  readonly updateUser: Store['updateUser'] = (...a) => this.users.updateUser(...a);
  readonly getUser: Store['getUser'] = (...a) => this.users.getUser(...a);
  readonly getUserByEmail: Store['getUserByEmail'] = (...a) => this.users.getUserByEmail(...a);
  readonly listUsers: Store['listUsers'] = (...a) => this.users.listUsers(...a);
  readonly createSession: Store['createSession'] = (...a) => this.users.createSession(...a);
  readonly sessionByTokenHash: Store['sessionByTokenHash'] = (...a) => this.users.sessionByTokenHash(...a);
  readonly getSession: Store['getSession'] = (...a) => this.users.getSession(...a);
  readonly revokeSession: Store['revokeSession'] = (...a) => this.users.revokeSession(...a);
  readonly revokeUserSessions: Store['revokeUserSessions'] = (...a) => this.users.revokeUserSessions(...a);
  readonly createPermissionTemplate: Store['createPermissionTemplate'] = (...a) =>
    this.users.createPermissionTemplate(...a);
  readonly updatePermissionTemplate: Store['updatePermissionTemplate'] = (...a) =>
    this.users.updatePermissionTemplate(...a);
  readonly listPermissionTemplates: Store['listPermissionTemplates'] = (...a) =>
    this.users.listPermissionTemplates(...a);
  // leads and phones
  readonly createLead: Store['createLead'] = (...a) => this.leads.createLead(...a);
  readonly updateLead: Store['updateLead'] = (...a) => this.leads.updateLead(...a);
  readonly getLead: Store['getLead'] = (...a) => this.leads.getLead(...a);
  readonly leadByPhone: Store['leadByPhone'] = (...a) => this.leads.leadByPhone(...a);
  readonly leadByExternalId: Store['leadByExternalId'] = (...a) => this.leads.leadByExternalId(...a);
  readonly getPhone: Store['getPhone'] = (...a) => this.leads.getPhone(...a);
  readonly searchLeads: Store['searchLeads'] = (...a) => this.leads.searchLeads(...a);
  readonly listLeads: Store['listLeads'] = (...a) => this.leads.listLeads(...a);
  readonly leadInScope: Store['leadInScope'] = (...a) => this.leads.leadInScope(...a);
  readonly leadAudience: Store['leadAudience'] = (...a) => this.leads.leadAudience(...a);
  readonly findOrCreateLeadByPhone: Store['findOrCreateLeadByPhone'] = (...a) =>
    this.leads.findOrCreateLeadByPhone(...a);
  // Activity History, tasks, reminders, nudge settings
  readonly addActivity: Store['addActivity'] = (...a) => this.activity.addActivity(...a);
  readonly listActivity: Store['listActivity'] = (...a) => this.activity.listActivity(...a);
  readonly activityHistory: Store['activityHistory'] = (...a) => this.activity.activityHistory(...a);
  readonly nudgeSettings: Store['nudgeSettings'] = (...a) => this.activity.nudgeSettings(...a);
  readonly saveNudgeSettings: Store['saveNudgeSettings'] = (...a) => this.activity.saveNudgeSettings(...a);
  readonly createTask: Store['createTask'] = (...a) => this.activity.createTask(...a);
  readonly listTasks: Store['listTasks'] = (...a) => this.activity.listTasks(...a);
  readonly getTask: Store['getTask'] = (...a) => this.activity.getTask(...a);
  readonly taskByExternalId: Store['taskByExternalId'] = (...a) => this.activity.taskByExternalId(...a);
  readonly updateTask: Store['updateTask'] = (...a) => this.activity.updateTask(...a);
  readonly deleteTask: Store['deleteTask'] = (...a) => this.activity.deleteTask(...a);
  readonly fireReminder: Store['fireReminder'] = (...a) => this.activity.fireReminder(...a);
  // API keys and CRM events
  readonly apiKeyHashes: Store['apiKeyHashes'] = (...a) => this.crmEvents.apiKeyHashes(...a);
  readonly addApiKey: Store['addApiKey'] = (...a) => this.crmEvents.addApiKey(...a);
  readonly claimEventLease: Store['claimEventLease'] = (...a) => this.crmEvents.claimEventLease(...a);
  readonly completeEvent: Store['completeEvent'] = (...a) => this.crmEvents.completeEvent(...a);
  readonly releaseEvent: Store['releaseEvent'] = (...a) => this.crmEvents.releaseEvent(...a);
  // conversations and outbound messages
  readonly getConversation: Store['getConversation'] = (...a) => this.messages.getConversation(...a);
  readonly listConversationsOfLead: Store['listConversationsOfLead'] = (...a) =>
    this.messages.listConversationsOfLead(...a);
  readonly assignConversation: Store['assignConversation'] = (...a) => this.messages.assignConversation(...a);
  readonly readUpTo: Store['readUpTo'] = (...a) => this.messages.readUpTo(...a);
  readonly setReadUpTo: Store['setReadUpTo'] = (...a) => this.messages.setReadUpTo(...a);
  readonly messageByClientId: Store['messageByClientId'] = (...a) => this.messages.messageByClientId(...a);
  readonly createOutbound: Store['createOutbound'] = (...a) => this.messages.createOutbound(...a);
  readonly getMessage: Store['getMessage'] = (...a) => this.messages.getMessage(...a);
  readonly interruptedSends: Store['interruptedSends'] = (...a) => this.messages.interruptedSends(...a);
  readonly renewSendLeases: Store['renewSendLeases'] = (...a) => this.messages.renewSendLeases(...a);
  readonly messagesPage: Store['messagesPage'] = (...a) => this.messages.messagesPage(...a);
  // inbound messages and their outcomes
  readonly createInbound: Store['createInbound'] = (...a) => this.inbound.createInbound(...a);
  readonly inboundReceipt: Store['inboundReceipt'] = (...a) => this.inbound.inboundReceipt(...a);
  readonly receiveInbound: Store['receiveInbound'] = (...a) => this.inbound.receiveInbound(...a);
  readonly applyInboundOutcome: Store['applyInboundOutcome'] = (...a) => this.inbound.applyInboundOutcome(...a);
  readonly unappliedInbound: Store['unappliedInbound'] = (...a) => this.inbound.unappliedInbound(...a);
  // delivery statuses
  readonly setProviderId: Store['setProviderId'] = (...a) => this.statuses.setProviderId(...a);
  readonly applyStatus: Store['applyStatus'] = (...a) => this.statuses.applyStatus(...a);
  readonly applyProviderStatus: Store['applyProviderStatus'] = (...a) => this.statuses.applyProviderStatus(...a);
  readonly takeEarlyStatuses: Store['takeEarlyStatuses'] = (...a) => this.statuses.takeEarlyStatuses(...a);
  readonly recordProviderAcceptance: Store['recordProviderAcceptance'] = (...a) =>
    this.statuses.recordProviderAcceptance(...a);
  // templates
  readonly upsertTemplate: Store['upsertTemplate'] = (...a) => this.templates.upsertTemplate(...a);
  readonly deleteTemplate: Store['deleteTemplate'] = (...a) => this.templates.deleteTemplate(...a);
  readonly listTemplates: Store['listTemplates'] = (...a) => this.templates.listTemplates(...a);
  readonly getTemplate: Store['getTemplate'] = (...a) => this.templates.getTemplate(...a);
  // attachments
  readonly createAttachment: Store['createAttachment'] = (...a) => this.attachments.createAttachment(...a);
  readonly getAttachment: Store['getAttachment'] = (...a) => this.attachments.getAttachment(...a);
  readonly createUnfetchedAttachment: Store['createUnfetchedAttachment'] = (...a) =>
    this.attachments.createUnfetchedAttachment(...a);
  readonly recordFetchFailure: Store['recordFetchFailure'] = (...a) => this.attachments.recordFetchFailure(...a);
  readonly completeFetch: Store['completeFetch'] = (...a) => this.attachments.completeFetch(...a);
  readonly unfetchedAttachments: Store['unfetchedAttachments'] = (...a) => this.attachments.unfetchedAttachments(...a);
  readonly attachmentLeadIds: Store['attachmentLeadIds'] = (...a) => this.attachments.attachmentLeadIds(...a);
  readonly unsentUploads: Store['unsentUploads'] = (...a) => this.attachments.unsentUploads(...a);
  readonly deleteUnsentUploads: Store['deleteUnsentUploads'] = (...a) => this.attachments.deleteUnsentUploads(...a);
  // nudges, usage counters, opt-outs
  readonly addNudge: Store['addNudge'] = (...a) => this.usageCounters.addNudge(...a);
  readonly listNudges: Store['listNudges'] = (...a) => this.usageCounters.listNudges(...a);
  readonly countNudges: Store['countNudges'] = (...a) => this.usageCounters.countNudges(...a);
  readonly bumpUsage: Store['bumpUsage'] = (...a) => this.usageCounters.bumpUsage(...a);
  readonly usage: Store['usage'] = (...a) => this.usageCounters.usage(...a);
  readonly setOptOut: Store['setOptOut'] = (...a) => this.usageCounters.setOptOut(...a);
  readonly isOptedOut: Store['isOptedOut'] = (...a) => this.usageCounters.isOptedOut(...a);
  readonly optedOutNumbers: Store['optedOutNumbers'] = (...a) => this.usageCounters.optedOutNumbers(...a);
  // event log
  readonly appendEvents: Store['appendEvents'] = (...a) => this.eventLog.appendEvents(...a);
  readonly eventsAfter: Store['eventsAfter'] = (...a) => this.eventLog.eventsAfter(...a);
  readonly eventsAfterJson: Store['eventsAfterJson'] = (...a) => this.eventLog.eventsAfterJson(...a);
  readonly headSeq: Store['headSeq'] = (...a) => this.eventLog.headSeq(...a);
  readonly headSeqs: Store['headSeqs'] = (...a) => this.eventLog.headSeqs(...a);
  readonly leadIdsInLog: Store['leadIdsInLog'] = (...a) => this.eventLog.leadIdsInLog(...a);
  readonly rewriteLeadEvents: Store['rewriteLeadEvents'] = (...a) => this.eventLog.rewriteLeadEvents(...a);
  readonly recordAcks: Store['recordAcks'] = (...a) => this.eventLog.recordAcks(...a);
  // webhook inbox
  readonly saveWebhook: Store['saveWebhook'] = (...a) => this.webhookInbox.saveWebhook(...a);
  readonly claimPendingWebhooks: Store['claimPendingWebhooks'] = (...a) => this.webhookInbox.claimPendingWebhooks(...a);
  readonly markWebhookProcessed: Store['markWebhookProcessed'] = (...a) => this.webhookInbox.markWebhookProcessed(...a);
  readonly renewWebhookLeases: Store['renewWebhookLeases'] = (...a) => this.webhookInbox.renewWebhookLeases(...a);
}
