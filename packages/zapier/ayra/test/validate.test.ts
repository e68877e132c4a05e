import { resolve } from 'node:path';
import app from '../src/index';
import { describeValidate } from '../../common/test-support/validate';

describeValidate(resolve(__dirname, '..'), app);
