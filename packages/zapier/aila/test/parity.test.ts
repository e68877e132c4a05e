import { providers } from '@callbridge/core';
import app from '../src/index';
import { describeParity } from '../../common/test-support/parity';

describeParity(providers.aila, app);
