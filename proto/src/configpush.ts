export * from './gen/gateway/configpush/v1/configpush.js';
