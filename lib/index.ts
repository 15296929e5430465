export * from './multi-region-endpoint';
export * from './replica-email-identity';
