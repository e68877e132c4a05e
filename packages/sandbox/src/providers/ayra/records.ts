import { BadInput } from '../../support/failure';
import { bodyObject, readDate, readEmail, readString, readStringList } from '../../support/input';
import { iso, type Handler } from '../types';
import type { AyraContact, AyraConversation } from './data';
import { extras, notFound, readAyraPhone, requireWrite } from './fields';
import { ayraPage } from './lists';

const CONTACT_FIELDS = ['name', 'email', 'phone', 'company', 'tags'];

function conversationSummary(c: AyraConversation): Record<string, unknown> {
  return {
    id: c.id,
    agent_id: c.agent_id,
    contact_id: c.contact_id,
    phone_number: c.phone_number,
    direction: c.direction,
    status: c.status,
    duration_seconds: c.duration_seconds,
    summary: c.summary,
    started_at: c.started_at,
    ended_at: c.ended_at,
  };
}

export function contactView(c: AyraContact): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    company: c.company,
    tags: c.tags,
    created_at: c.created_at,
    updated_at: c.updated_at,
    ...c.extra,
  };
}

const newestFirst = (a: { created_at: string; id: string }, b: { created_at: string; id: string }): number =>
  Date.parse(b.created_at) - Date.parse(a.created_at) || a.id.localeCompare(b.id);

const conversationsList: Handler = (ctx) => {
  const q = ctx.query;
  const agentId = readString(q, 'agent_id', { min: 1 });
  const after = readDate(q, 'created_after');
  const before = readDate(q, 'created_before');
  if (after !== undefined && before !== undefined && after > before) throw new BadInput('created_before', 'must not be earlier than created_after');
  const items = ctx.runtime.world.ayra.conversations
    .filter((c) => {
      const t = Date.parse(c.created_at);
      return (agentId === undefined || c.agent_id === agentId) && (after === undefined || t > after) && (before === undefined || t < before);
    })
    .sort(newestFirst);
  return ayraPage(ctx, '/conversations', items, conversationSummary);
};

const conversationsGet: Handler = (ctx) => {
  const c = ctx.runtime.world.ayra.conversations.find((x) => x.id === ctx.params['conversation_id']);
  if (!c) throw notFound('Conversation', ctx.params['conversation_id']);
  return { body: { ...conversationSummary(c), recording_url: c.recording_url, transcript: c.transcript } };
};

/** Reads the documented contact fields; undefined for those not sent. */
function contactFields(body: Record<string, unknown>, nameRequired: boolean): Partial<AyraContact> {
  const name = readString(body, 'name', { required: nameRequired, min: 1 });
  const email = readEmail(body, 'email');
  const phone = readAyraPhone(body, 'phone');
  const company = readString(body, 'company');
  const tags = readStringList(body, 'tags');
  return {
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    ...(company !== undefined ? { company } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
}

const contactsCreate: Handler = (ctx) => {
  requireWrite(ctx.caller, 'contacts');
  const body = bodyObject(ctx.body);
  const fields = contactFields(body, true);
  const state = ctx.runtime.world.ayra;
  let id = `contact_${ctx.runtime.world.ids.alnum(6)}`;
  while (state.contacts.some((c) => c.id === id)) id = `contact_${ctx.runtime.world.ids.alnum(6)}`;
  const at = iso(ctx.now);
  const contact: AyraContact = {
    id,
    name: fields.name ?? '',
    email: fields.email ?? null,
    phone: fields.phone ?? null,
    company: fields.company ?? null,
    tags: fields.tags ?? [],
    created_at: at,
    updated_at: at,
    extra: extras(body, CONTACT_FIELDS),
  };
  state.contacts.push(contact);
  return { status: 201, body: contactView(contact) };
};

const contactsList: Handler = (ctx) => {
  const search = readString(ctx.query, 'search')?.trim().toLowerCase() ?? '';
  const items = ctx.runtime.world.ayra.contacts
    .filter((c) => search === '' || [c.name, c.email, c.phone].some((v) => v?.toLowerCase().includes(search)))
    .sort(newestFirst);
  return ayraPage(ctx, '/contacts', items, contactView);
};

function findContact(id: string | undefined, contacts: AyraContact[]): AyraContact {
  const c = contacts.find((x) => x.id === id);
  if (!c) throw notFound('Contact', id);
  return c;
}

const contactsGet: Handler = (ctx) => ({ body: contactView(findContact(ctx.params['contact_id'], ctx.runtime.world.ayra.contacts)) });

const contactsUpdate: Handler = (ctx) => {
  requireWrite(ctx.caller, 'contacts');
  const body = bodyObject(ctx.body);
  const contact = findContact(ctx.params['contact_id'], ctx.runtime.world.ayra.contacts);
  if (Object.keys(body).length === 0) throw new BadInput('body', 'must give at least one field to change');
  const fields = contactFields(body, false);
  Object.assign(contact, fields, { updated_at: iso(ctx.now) });
  Object.assign(contact.extra, extras(body, CONTACT_FIELDS));
  return { body: contactView(contact) };
};

export const recordHandlers: Record<string, Handler> = {
  'conversations.list': conversationsList,
  'conversations.get': conversationsGet,
  'contacts.create': contactsCreate,
  'contacts.list': contactsList,
  'contacts.get': contactsGet,
  'contacts.update': contactsUpdate,
};
