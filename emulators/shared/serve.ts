export { listen, portFromArgv, type RunningServer } from '../../functions/http/listen';
