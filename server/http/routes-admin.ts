// Admin endpoints: users, leads, conversation assignment, tasks, templates, permission templates.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  Channel,
  LEAD_LIMITS,
  LeadCustomFields,
  MaskableLeadField,
  Role,
  TemplateCategory,
  TemplateStatus,
} from '../../shared/domain';
import { normalisePhone } from '../../shared/phone';
import { ErrorCode } from '../../shared/error-codes';
import { leadView, taskView, templateView, userView } from '../domain/views';
import { WorkspaceError } from '../domain/workspace';
import { visibleLeads } from '../domain/access';
import { ApiFailure, invalid, notFound, parse } from './errors';
import { requireAdmin, type ApiContext } from './context';

const Id = z.object({ id: z.string().max(120) });
const PhoneInput = z.object({
  number: z.string().min(3).max(40),
  label: z.string().max(40).nullable().optional(),
  primary: z.boolean().optional(),
});
const LeadInput = z.object({
  firstName: z.string().trim().min(1).max(LEAD_LIMITS.nameChars),
  lastName: z.string().trim().max(LEAD_LIMITS.nameChars).default(''),
  email: z.string().trim().email().max(LEAD_LIMITS.emailChars).nullable().optional(),
  ownerId: z.string().max(100).nullable().default(null),
  customFields: LeadCustomFields.optional(),
  phones: z.array(PhoneInput).max(LEAD_LIMITS.phones).default([]),
});
/** A PATCH names only what changes: no defaults, or an omitted field would be cleared. */
const LeadPatch = z.object({
  firstName: z.string().trim().min(1).max(LEAD_LIMITS.nameChars).optional(),
  lastName: z.string().trim().max(LEAD_LIMITS.nameChars).optional(),
  email: z.string().trim().email().max(LEAD_LIMITS.emailChars).nullable().optional(),
  ownerId: z.string().max(100).nullable().optional(),
  customFields: LeadCustomFields.optional(),
  phones: z.array(PhoneInput).max(LEAD_LIMITS.phones).optional(),
});
const TemplateInput = z.object({
  channel: Channel,
  name: z.string().trim().min(1).max(200),
  body: z.string().min(1).max(4096),
  params: z.array(z.string().max(100)).max(20).default([]),
  category: TemplateCategory.nullable().default(null),
  language: z.string().max(20).nullable().default(null),
  status: TemplateStatus.nullable().default(null),
  availableInConverse: z.boolean().default(true),
});

const TemplatePatch = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  body: z.string().min(1).max(4096).optional(),
  params: z.array(z.string().max(100)).max(20).optional(),
  category: TemplateCategory.nullable().optional(),
  language: z.string().max(20).nullable().optional(),
  status: TemplateStatus.nullable().optional(),
  availableInConverse: z.boolean().optional(),
});

function phones(list: z.infer<typeof PhoneInput>[]) {
  return list.map((p) => {
    const n = normalisePhone(p.number);
    if (!n.ok) throw invalid(n.message);
    return { e164: n.e164, label: p.label ?? null, primary: p.primary };
  });
}

/** Workspace errors become API errors with their status. */
const wrap = <T>(p: Promise<T>): Promise<T> =>
  p.catch((err) => {
    if (err instanceof WorkspaceError) throw new ApiFailure(err.status, err.code, err.message);
    throw err;
  });

export function adminRoutes(app: FastifyInstance, ctx: ApiContext) {
  const { store, workspace } = ctx;

  app.get('/admin/users', async (req) => {
    await requireAdmin(ctx, req);
    return {
      users: (await store.listUsers()).map((u) => ({
        ...userView(u),
        active: u.active,
        permissionTemplateId: u.permissionTemplateId,
      })),
    };
  });
  app.post('/admin/users', async (req, reply) => {
    await requireAdmin(ctx, req);
    const b = parse(
      z.object({
        email: z.string().trim().email().max(320),
        name: z.string().trim().min(1).max(100),
        role: Role,
        password: z.string().max(1024),
        permissionTemplateId: z.string().max(100).nullable().optional(),
      }),
      req.body,
      'user',
    );
    const u = await wrap(workspace.createUser(b));
    return reply.code(201).send(userView(u));
  });
  app.patch('/admin/users/:id', async (req) => {
    await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'user id');
    const b = parse(
      z.object({
        name: z.string().trim().min(1).max(100).optional(),
        role: Role.optional(),
        active: z.boolean().optional(),
        password: z.string().max(1024).optional(),
        permissionTemplateId: z.string().max(100).nullable().optional(),
      }),
      req.body,
      'user',
    );
    return userView(await wrap(workspace.updateUser(id, b)));
  });

  app.get('/admin/leads', async (req) => {
    const { user } = await requireAdmin(ctx, req);
    const q = parse(
      z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      req.query,
      'query',
    );
    const leads = await visibleLeads(store, user, { limit: q.limit, offset: q.offset });
    const out = [];
    for (const l of leads) out.push(leadView(l, user, await ctx.publisher.optedOutOf(l)));
    return { leads: out };
  });
  app.post('/admin/leads', async (req, reply) => {
    const { user } = await requireAdmin(ctx, req);
    const b = parse(LeadInput, req.body, 'lead');
    if (b.ownerId && !(await store.getUser(b.ownerId))) throw notFound('This owner');
    const lead = await wrap(workspace.createLead({ ...b, phones: phones(b.phones) }));
    return reply.code(201).send(leadView(lead, user, new Set()));
  });
  app.patch('/admin/leads/:id', async (req) => {
    const { user } = await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'lead id');
    const b = parse(LeadPatch, req.body, 'lead');
    if (b.ownerId && !(await store.getUser(b.ownerId))) throw notFound('This owner');
    const lead = await wrap(workspace.updateLead(id, { ...b, phones: b.phones ? phones(b.phones) : undefined }));
    return leadView(lead, user, await ctx.publisher.optedOutOf(lead));
  });
  app.post('/admin/conversations/:id/assign', async (req) => {
    await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'conversation id');
    const b = parse(z.object({ userId: z.string().max(100).nullable() }), req.body, 'assignment');
    await wrap(workspace.assignConversation(id, b.userId));
    return {};
  });

  app.get('/admin/tasks', async (req) => {
    const { user } = await requireAdmin(ctx, req);
    return { tasks: (await store.listTasks(null)).map((t) => taskView(t, user)) };
  });
  app.post('/admin/tasks', async (req, reply) => {
    const { user } = await requireAdmin(ctx, req);
    const b = parse(
      z.object({
        title: z.string().trim().min(1).max(200),
        leadId: z.string().max(100).nullable().default(null),
        ownerId: z.string().max(100),
        dueAt: z.string().datetime({ offset: true }),
        reminderMinutes: z.number().int().min(0).max(10080).default(15),
      }),
      req.body,
      'task',
    );
    const t = await wrap(workspace.createTask({ ...b, dueAt: new Date(b.dueAt).toISOString() }));
    return reply.code(201).send(taskView(t, user));
  });
  app.patch('/admin/tasks/:id', async (req) => {
    const { user } = await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'task id');
    const b = parse(
      z
        .object({
          title: z.string().trim().min(1).max(200).optional(),
          leadId: z.string().max(100).nullable().optional(),
          ownerId: z.string().max(100).optional(),
          dueAt: z.string().datetime({ offset: true }).optional(),
          reminderMinutes: z.number().int().min(0).max(10080).optional(),
        })
        .strict(),
      req.body,
      'task',
    );
    return taskView(
      await wrap(workspace.updateTask(id, { ...b, dueAt: b.dueAt ? new Date(b.dueAt).toISOString() : undefined })),
      user,
    );
  });
  app.delete('/admin/tasks/:id', async (req) => {
    await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'task id');
    await wrap(workspace.deleteTask(id));
    return {};
  });

  app.get('/admin/templates', async (req) => {
    await requireAdmin(ctx, req);
    return { templates: (await store.listTemplates(null)).map(templateView) };
  });
  app.post('/admin/templates', async (req, reply) => {
    await requireAdmin(ctx, req);
    const b = parse(TemplateInput, req.body, 'template');
    const t = await wrap(
      workspace.saveTemplate(b).catch((err: Error) => {
        if (/UNIQUE/.test(err.message))
          throw new ApiFailure(409, ErrorCode.CONFLICT, 'A template with this channel, name and language exists.');
        throw err;
      }),
    );
    return reply.code(201).send(templateView(t));
  });
  app.patch('/admin/templates/:id', async (req) => {
    await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'template id');
    const cur = await store.getTemplate(id);
    if (!cur) throw notFound('This template');
    const b = parse(TemplatePatch, req.body, 'template');
    return templateView(await wrap(workspace.saveTemplate({ ...cur, ...b, id })));
  });
  app.delete('/admin/templates/:id', async (req) => {
    await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'template id');
    await wrap(workspace.deleteTemplate(id));
    return {};
  });

  app.get('/admin/permission-templates', async (req) => {
    await requireAdmin(ctx, req);
    return { permissionTemplates: await store.listPermissionTemplates() };
  });
  app.post('/admin/permission-templates', async (req, reply) => {
    await requireAdmin(ctx, req);
    const b = parse(
      z.object({ name: z.string().trim().min(1).max(100), maskedFields: z.array(MaskableLeadField).max(5) }),
      req.body,
      'permission template',
    );
    const t = await store.createPermissionTemplate(b.name, [...new Set(b.maskedFields)]).catch(() => {
      throw new ApiFailure(409, ErrorCode.CONFLICT, 'A permission template with this name exists.');
    });
    return reply.code(201).send(t);
  });
  app.patch('/admin/permission-templates/:id', async (req) => {
    await requireAdmin(ctx, req);
    const { id } = parse(Id, req.params, 'permission template id');
    const b = parse(
      z.object({
        name: z.string().trim().min(1).max(100).optional(),
        maskedFields: z.array(MaskableLeadField).max(5).optional(),
      }),
      req.body,
      'permission template',
    );
    return wrap(workspace.setPermissionTemplate(id, b));
  });
}
