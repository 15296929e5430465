export * from './multi-region-endpoint';
