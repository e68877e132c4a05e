import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { ayla } from '../../../../core/src/providers/ayla';
import { executeAction, type ActionConfig } from '../../../common/src/execute';
import { loadOptionsMethods } from '../../../common/src/load-options';
import { actionProperties } from '../../../common/src/properties';

const config: ActionConfig = { spec: ayla, credentialType: 'aylaApi' };

export class Ayla implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Ayla',
    name: 'ayla',
    icon: { light: 'file:../../icons/ayla.svg', dark: 'file:../../icons/ayla.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Score messages for fraud, choose channels, verify sender IDs and check carrier health with Ayla',
    defaults: { name: 'Ayla' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'aylaApi', required: true }],
    properties: actionProperties(ayla, config.layout),
  };

  methods = { loadOptions: loadOptionsMethods(ayla, 'aylaApi') };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return executeAction(this, config);
  }
}
