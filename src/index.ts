export * from './status-page/status-page';
export * from './status-page/health-check';
export * from './status-page/page-auth';
export * from './status-page/page-template';
