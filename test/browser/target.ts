// The one place the browser tests and the bench learn which server they drive: the real app.
export { startTarget, type Target, type ConsentPost } from './real-target.ts';
export { HOSTILE_CSS } from './host-page.ts';
