// The one place the browser tests learn which server they drive. Today it is the stand-in; pointing the tests at
// the real app means returning an object with the same shape from here.
export { startStandIn as startTarget, DEMO_CONFIG, HOSTILE_CSS, type StandIn as Target } from './stand-in.ts';
