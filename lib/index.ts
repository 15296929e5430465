export * from './multi-region-endpoint';
export * from './replica-email-identity';
export * from './email-template';
export * from './configuration-set';
