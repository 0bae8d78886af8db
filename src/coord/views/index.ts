// Derived views rendered from the documents: info.json, task-assignments.json, progress-reports.json, the watch panel.
// The entry the layers above import; the other files of this folder are its own business.
export * from './info-json.js';
export * from './queue-views.js';
export * from './render.js';
export * from './watch-view.js';
