import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { aila } from '../../../../core/src/providers/aila';
import { executeAction, type ActionConfig } from '../../../common/src/execute';
import { loadOptionsMethods } from '../../../common/src/load-options';
import { actionProperties } from '../../../common/src/properties';

const config: ActionConfig = { spec: aila, credentialType: 'ailaApi', layout: { recordings: { 'calls.get': 'recording_url' } } };

export class Aila implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Aila',
    name: 'aila',
    icon: { light: 'file:../../icons/aila.svg', dark: 'file:../../icons/aila.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Upload call recordings to Aila and fetch transcripts, quality scores and team metrics',
    defaults: { name: 'Aila' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'ailaApi', required: true }],
    properties: actionProperties(aila, config.layout),
  };

  methods = { loadOptions: loadOptionsMethods(aila, 'ailaApi') };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return executeAction(this, config);
  }
}
