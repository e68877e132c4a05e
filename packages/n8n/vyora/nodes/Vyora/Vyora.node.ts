import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { vyora } from '../../../../core/src/providers/vyora';
import { executeAction, type ActionConfig } from '../../../common/src/execute';
import { loadOptionsMethods } from '../../../common/src/load-options';
import { actionProperties } from '../../../common/src/properties';

const config: ActionConfig = { spec: vyora, credentialType: 'vyoraApi' };

export class Vyora implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Vyora',
    name: 'vyora',
    icon: { light: 'file:../../icons/vyora.svg', dark: 'file:../../icons/vyora.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Trigger Vyora AI voice calls, list agents and fetch call results',
    defaults: { name: 'Vyora' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'vyoraApi', required: true }],
    properties: actionProperties(vyora, config.layout),
  };

  methods = { loadOptions: loadOptionsMethods(vyora, 'vyoraApi') };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return executeAction(this, config);
  }
}
