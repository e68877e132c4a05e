import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { ayra } from '../../../../core/src/providers/ayra';
import { executeAction, type ActionConfig } from '../../../common/src/execute';
import { loadOptionsMethods } from '../../../common/src/load-options';
import { actionProperties } from '../../../common/src/properties';

const config: ActionConfig = { spec: ayra, credentialType: 'ayraApi', layout: { recordings: { 'conversations.get': 'recording_url' } } };

export class Ayra implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Ayra',
    name: 'ayra',
    icon: { light: 'file:../../icons/ayra.svg', dark: 'file:../../icons/ayra.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Manage Ayra voice agents, conversations, contacts and workflows',
    defaults: { name: 'Ayra' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'ayraApi', required: true }],
    properties: actionProperties(ayra, config.layout),
  };

  methods = { loadOptions: loadOptionsMethods(ayra, 'ayraApi') };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return executeAction(this, config);
  }
}
