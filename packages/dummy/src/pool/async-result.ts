/** `AsyncResult` is @proc/processing's (it wraps a promise; nothing in it is about processes). */
export { AsyncResult } from '@proc/processing';
