import { buildApp } from '../../common/src/app';
import { ayra } from '../../common/src/core';
import { version } from '../package.json';

/**
 * Ayra on Zapier: create, update, enable and disable agents, create and update contacts
 * (with find-or-create), trigger workflows, look up agents, contacts, conversations,
 * workflow runs and analytics, and "New Agent / Contact / Conversation" polling triggers.
 * Ayra's webhooks are undocumented, so it has no instant triggers yet.
 */
export default buildApp(ayra, { version });
