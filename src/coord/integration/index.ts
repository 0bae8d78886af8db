// Bringing work back: what the last integrate into each branch did (for land) and the pull request of each instance.
// The entry the layers above import; the other files of this folder are its own business.
export * from './integration-record.js';
export * from './pull-requests.js';
