/**
 * Plays CloudFormation (and the CDK Provider framework) for a synthesized stack, so tests
 * can deploy, update, roll back and destroy this library's custom resources against the
 * local SESv2 emulator, running the bundled handler staged in the cloud assembly.
 *
 * What it models, as the real services do:
 * - create / update / delete in dependency order, independent resources concurrently;
 * - custom-resource events with CloudFormation's fields, properties as strings;
 * - the Provider framework: onEvent, then isComplete every queryInterval until complete
 *   or totalTimeout (read from the waiter state machine), onEvent's result merged into
 *   the isComplete event, Data merged, and a failed Create answered with the framework's
 *   CREATE_FAILED physical id so that the rollback Delete is ignored;
 * - a new physical id on Update = replacement: the old one is deleted in the cleanup phase;
 * - rollback: a failed stack creation deletes what was created; a failed update sends
 *   custom resources an Update back to their old properties, then deletes what the
 *   update created; DeletionPolicy / UpdateReplacePolicy Retain are honoured.
 * Other resource types are recorded but not deployed anywhere.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { invokeProvider, ProviderHandlers, ProviderResponse } from './provider-framework';

declare const jest: { isolateModules(fn: () => void): void } | undefined;

/** Loads a fresh copy of a Lambda bundle (a new "container"), under jest or plain Node. */
function loadFresh(file: string): Record<string, (event: unknown, context: unknown) => Promise<any>> {
  let exports: any;
  if (typeof jest !== 'undefined') {
    // jest's own registry, so the bundle sees the test's process.env.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => { exports = require(file); });
  } else {
    delete require.cache[require.resolve(file)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(file);
  }
  return exports;
}

type Template = { Resources: Record<string, any>; Outputs?: Record<string, any>; Parameters?: Record<string, any> };

export interface DriverOptions {
  readonly stackName?: string;
  readonly region?: string;
  readonly account?: string;
  /** Environment of the Lambda functions, over the template's (for example the emulator's clientEnv()). */
  readonly lambdaEnv?: Record<string, string>;
  /** Time between isComplete calls: a number of ms, or 'template' for the Provider's real queryInterval. Default 10 ms. */
  readonly queryIntervalMs?: number | 'template';
  /** Overrides the Provider's totalTimeout, in isComplete attempts. Default: from the template. */
  readonly maxAttempts?: number;
  /** Values for template parameters without defaults. */
  readonly parameters?: Record<string, string>;
  /**
   * Deliver onEvent twice for these requests, as a retried Lambda invocation does: the
   * first delivery runs (and reaches SES), its answer is lost, the second runs the flow.
   */
  readonly deliverTwice?: (logicalId: string, requestType: string) => boolean;
}

/** A CloudFormation stack event. */
export interface StackEvent {
  readonly logicalId: string;
  readonly status: string;
  readonly physicalId?: string;
  readonly reason?: string;
}

/** A custom-resource request as CloudFormation sent it, with the Provider's answer. */
export interface RecordedRequest {
  readonly logicalId: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly physicalId?: string;
  readonly properties: Record<string, unknown>;
  readonly response: ProviderResponse;
  readonly startedAt: number;
  readonly endedAt: number;
}

interface ResourceState {
  readonly logicalId: string;
  readonly type: string;
  physicalId: string;
  properties: Record<string, unknown>;
  data: Record<string, string>;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

export interface DeployResult {
  /** CREATE_COMPLETE, UPDATE_COMPLETE, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE, *_FAILED, DELETE_COMPLETE. */
  readonly status: string;
  /** The first failure's status reason, as the console shows it. */
  readonly reason?: string;
  readonly failedResource?: string;
  readonly outputs: Record<string, string>;
}

const PSEUDO_PARTITION = 'aws';

export class CloudFormationDriver {
  public readonly events: StackEvent[] = [];
  public readonly requests: RecordedRequest[] = [];
  private state = new Map<string, ResourceState>();
  private template?: Template;
  private readonly containers = new Map<string, Record<string, (event: unknown, context: unknown) => Promise<any>>>();
  private readonly stackName: string;
  private readonly region: string;
  private readonly account: string;
  private readonly stackId: string;
  private assemblyDir = '';

  constructor(private readonly options: DriverOptions = {}) {
    this.stackName = options.stackName ?? 'TestStack';
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.stackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/0f1e2d3c-aaaa-bbbb-cccc-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
  }

  /** The physical id and custom-resource Data of a deployed resource. */
  public resource(logicalId: string): { physicalId: string; data: Record<string, string> } | undefined {
    const r = this.state.get(logicalId);
    return r && { physicalId: r.physicalId, data: { ...r.data } };
  }

  /** Creates the stack, or updates it to this assembly's template. */
  public async deploy(assembly: CloudAssembly, artifactId = this.stackName): Promise<DeployResult> {
    const artifact = assembly.getStackArtifact(artifactId);
    const next: Template = artifact.template;
    this.assemblyDir = assembly.directory;
    return this.template ? this.update(next) : this.create(next);
  }

  /** Deletes the stack. */
  public async destroy(): Promise<DeployResult> {
    if (!this.template) return { status: 'DELETE_COMPLETE', outputs: {} };
    const failure = await this.deleteResources(this.template, [...this.state.keys()], (r) => r.deletionPolicy !== 'Retain');
    if (failure) return { status: 'DELETE_FAILED', ...failure, outputs: {} };
    this.template = undefined;
    this.state.clear();
    return { status: 'DELETE_COMPLETE', outputs: {} };
  }

  // ---- stack operations ----

  private async create(template: Template): Promise<DeployResult> {
    this.template = template;
    const failure = await this.runInOrder(template, Object.keys(template.Resources), (id) => this.createResource(template, id));
    if (!failure) return { status: 'CREATE_COMPLETE', outputs: this.outputs(template) };
    // ROLLBACK: delete everything that was created, the failed resource included.
    const rollbackFailure = await this.deleteResources(template, [...this.state.keys()], () => true);
    this.state.clear();
    this.template = undefined;
    return { status: rollbackFailure ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE', ...failure, outputs: {} };
  }

  private async update(next: Template): Promise<DeployResult> {
    const previous = this.template!;
    const before = new Map([...this.state].map(([id, r]) => [id, { ...r }]));
    const created: string[] = [];
    const updated: string[] = [];
    const replaced: ResourceState[] = [];
    this.template = next;

    const failure = await this.runInOrder(next, Object.keys(next.Resources), async (id) => {
      if (!before.has(id)) {
        created.push(id);
        return this.createResource(next, id);
      }
      const old = before.get(id)!;
      const properties = this.resolveProperties(next, id);
      if (JSON.stringify(properties) === JSON.stringify(old.properties)) return undefined;
      updated.push(id);
      const failed = await this.updateResource(next, id, properties, old.properties);
      const now = this.state.get(id)!;
      if (now.physicalId !== old.physicalId) replaced.push(old);
      return failed;
    });

    if (!failure) {
      // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: replaced physical resources, then removed resources.
      for (const old of replaced) {
        if (old.updateReplacePolicy !== 'Retain') await this.deletePhysical(next, old);
      }
      const removed = Object.keys(previous.Resources).filter((id) => !(id in next.Resources));
      const removedStates = new Map(removed.map((id) => [id, this.state.get(id)!]));
      await this.deleteResources(previous, removed, (r) => r.deletionPolicy !== 'Retain', removedStates);
      for (const id of removed) this.state.delete(id);
      return { status: 'UPDATE_COMPLETE', outputs: this.outputs(next) };
    }

    // UPDATE_ROLLBACK_IN_PROGRESS: custom resources go back to their old properties.
    this.template = previous;
    let rollbackFailed = false;
    const orphans: ResourceState[] = [];
    for (const id of [...updated].reverse()) {
      const old = before.get(id)!;
      const current = this.state.get(id)!;
      const resp = await this.updateResource(previous, id, old.properties, current.properties);
      if (resp) {
        rollbackFailed = true;
        continue;
      }
      const after = this.state.get(id)!;
      if (after.physicalId !== current.physicalId) orphans.push(current);
    }
    // UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: what the update created goes away.
    for (const old of orphans) await this.deletePhysical(previous, old);
    const createdStates = new Map(created.filter((id) => this.state.has(id)).map((id) => [id, this.state.get(id)!]));
    await this.deleteResources(next, [...createdStates.keys()], () => true, createdStates);
    for (const id of created) this.state.delete(id);
    return { status: rollbackFailed ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE', ...failure, outputs: this.outputs(previous) };
  }

  // ---- one resource ----

  private async createResource(template: Template, id: string): Promise<{ reason: string; failedResource: string } | undefined> {
    const res = template.Resources[id];
    const properties = this.resolveProperties(template, id);
    this.events.push({ logicalId: id, status: 'CREATE_IN_PROGRESS' });
    let physicalId = this.fakePhysicalId(id, res.Type);
    let data: Record<string, string> = {};
    if (isCustomResource(res.Type)) {
      const response = await this.send(template, id, { RequestType: 'Create', ResourceProperties: properties });
      physicalId = response.PhysicalResourceId;
      data = response.Data;
      // A failed create still leaves a physical id for the rollback Delete.
      this.state.set(id, this.newState(id, res, physicalId, properties, data));
      if (response.Status === 'FAILED') {
        this.events.push({ logicalId: id, status: 'CREATE_FAILED', physicalId, reason: response.Reason });
        return { reason: response.Reason ?? 'FAILED', failedResource: id };
      }
    }
    this.state.set(id, this.newState(id, res, physicalId, properties, data));
    this.events.push({ logicalId: id, status: 'CREATE_COMPLETE', physicalId });
    return undefined;
  }

  private async updateResource(template: Template, id: string, properties: Record<string, unknown>, oldProperties: Record<string, unknown>) {
    const res = template.Resources[id];
    const current = this.state.get(id)!;
    this.events.push({ logicalId: id, status: 'UPDATE_IN_PROGRESS' });
    if (!isCustomResource(res.Type)) {
      this.state.set(id, { ...current, properties });
      this.events.push({ logicalId: id, status: 'UPDATE_COMPLETE' });
      return undefined;
    }
    const response = await this.send(template, id, {
      RequestType: 'Update',
      PhysicalResourceId: current.physicalId,
      ResourceProperties: properties,
      OldResourceProperties: oldProperties,
    });
    if (response.Status === 'FAILED') {
      this.events.push({ logicalId: id, status: 'UPDATE_FAILED', reason: response.Reason });
      return { reason: response.Reason ?? 'FAILED', failedResource: id };
    }
    this.state.set(id, { ...this.newState(id, res, response.PhysicalResourceId, properties, response.Data) });
    this.events.push({ logicalId: id, status: 'UPDATE_COMPLETE', physicalId: response.PhysicalResourceId });
    return undefined;
  }

  private async deletePhysical(template: Template, r: ResourceState): Promise<{ reason: string; failedResource: string } | undefined> {
    this.events.push({ logicalId: r.logicalId, status: 'DELETE_IN_PROGRESS', physicalId: r.physicalId });
    if (isCustomResource(r.type)) {
      const response = await this.send(template, r.logicalId, { RequestType: 'Delete', PhysicalResourceId: r.physicalId, ResourceProperties: r.properties });
      if (response.Status === 'FAILED') {
        this.events.push({ logicalId: r.logicalId, status: 'DELETE_FAILED', physicalId: r.physicalId, reason: response.Reason });
        return { reason: response.Reason ?? 'FAILED', failedResource: r.logicalId };
      }
    }
    this.events.push({ logicalId: r.logicalId, status: 'DELETE_COMPLETE', physicalId: r.physicalId });
    return undefined;
  }

  /** Deletes resources in reverse dependency order (dependents first), concurrently where independent. */
  private async deleteResources(template: Template, ids: string[], shouldDelete: (r: ResourceState) => boolean, states = this.state) {
    const wanted = new Set(ids.filter((id) => states.has(id)));
    const dependents = new Map<string, string[]>();
    for (const id of wanted) {
      for (const dep of dependenciesOf(template.Resources[id] ?? {})) {
        if (wanted.has(dep)) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
      }
    }
    let failure: { reason: string; failedResource: string } | undefined;
    const done = new Map<string, Promise<void>>();
    const run = (id: string): Promise<void> => {
      if (!done.has(id)) {
        done.set(id, (async () => {
          await Promise.all((dependents.get(id) ?? []).map(run));
          const r = states.get(id)!;
          const failed = shouldDelete(r) ? await this.deletePhysical(template, r) : undefined;
          failure = failure ?? failed;
        })());
      }
      return done.get(id)!;
    };
    await Promise.all([...wanted].map(run));
    return failure;
  }

  /** Runs `step` for each resource once its dependencies are done; stops starting new ones after a failure. */
  private async runInOrder(template: Template, ids: string[], step: (id: string) => Promise<{ reason: string; failedResource: string } | undefined>) {
    let failure: { reason: string; failedResource: string } | undefined;
    const done = new Map<string, Promise<boolean>>();
    const run = (id: string): Promise<boolean> => {
      if (!done.has(id)) {
        done.set(id, (async () => {
          const deps = await Promise.all(dependenciesOf(template.Resources[id]).filter((d) => d in template.Resources).map(run));
          if (failure || deps.some((ok) => !ok)) return false;
          const failed = await step(id);
          failure = failure ?? failed;
          return !failed;
        })());
      }
      return done.get(id)!;
    };
    await Promise.all(ids.map(run));
    return failure;
  }

  // ---- the Provider framework and the Lambda functions ----

  private async send(template: Template, id: string, request: Record<string, unknown>): Promise<ProviderResponse> {
    const provider = this.providerOf(template, id);
    const startedAt = Date.now();
    const event = {
      StackId: this.stackId,
      LogicalResourceId: id,
      RequestId: `${id}-${this.requests.length + 1}`,
      ResourceType: template.Resources[id].Type,
      ...request,
    } as any;
    if (this.options.deliverTwice?.(id, event.RequestType)) {
      await provider.handlers.onEvent(JSON.parse(JSON.stringify(event))).catch(() => undefined);
    }
    const response = await invokeProvider(provider.handlers, event, { intervalMs: provider.intervalMs, maxAttempts: provider.maxAttempts });
    this.requests.push({
      logicalId: id,
      requestType: request.RequestType as any,
      physicalId: request.PhysicalResourceId as string | undefined,
      properties: request.ResourceProperties as Record<string, unknown>,
      response,
      startedAt,
      endedAt: Date.now(),
    });
    return response;
  }

  private providerOf(template: Template, id: string) {
    const token = template.Resources[id].Properties?.ServiceToken;
    const frameworkId = token?.['Fn::GetAtt']?.[0];
    const framework = template.Resources[frameworkId];
    if (!framework || framework.Type !== 'AWS::Lambda::Function') {
      throw new Error(`${id}: ServiceToken must be a Provider framework function, got ${JSON.stringify(token)}`);
    }
    const env = framework.Properties.Environment.Variables;
    const onEventId = env.USER_ON_EVENT_FUNCTION_ARN['Fn::GetAtt'][0];
    const isCompleteId = env.USER_IS_COMPLETE_FUNCTION_ARN['Fn::GetAtt'][0];
    const machineId = env.WAITER_STATE_MACHINE_ARN.Ref;
    const definition = JSON.parse(this.resolve(template, template.Resources[machineId].Properties.DefinitionString) as string);
    const retry = definition.States['framework-isComplete-task'].Retry[0];
    const interval = this.options.queryIntervalMs ?? 10;
    return {
      handlers: {
        onEvent: (event: any) => this.invoke(template, onEventId, event),
        isComplete: (event: any) => this.invoke(template, isCompleteId, event),
      } as ProviderHandlers,
      intervalMs: interval === 'template' ? retry.IntervalSeconds * 1000 : interval,
      maxAttempts: this.options.maxAttempts ?? retry.MaxAttempts,
    };
  }

  /** Invokes a function with a Lambda context whose remaining time follows the function's Timeout. */
  private invoke(template: Template, functionId: string, event: unknown): Promise<any> {
    const deadline = Date.now() + Number(template.Resources[functionId].Properties.Timeout ?? 3) * 1000;
    return this.lambda(template, functionId)(event, { getRemainingTimeInMillis: () => deadline - Date.now() });
  }

  /** A warm Lambda container: the function's asset loaded once with the function's environment; returns its handler. */
  private lambda(template: Template, functionId: string): (event: unknown, context: unknown) => Promise<any> {
    const fn = template.Resources[functionId];
    const key = `${functionId}:${JSON.stringify(fn.Properties.Code)}`;
    if (!this.containers.has(key)) {
      const s3Key: string = fn.Properties.Code.S3Key;
      const assetDir = path.join(this.assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`);
      const file = path.join(assetDir, `${fn.Properties.Handler.split('.')[0]}.js`);
      if (!fs.existsSync(file)) throw new Error(`${functionId}: staged asset ${file} not found in the cloud assembly`);
      const variables = this.resolve(template, fn.Properties.Environment?.Variables ?? {}) as Record<string, string>;
      Object.assign(process.env, { AWS_REGION: this.region, ...variables, ...this.options.lambdaEnv });
      this.containers.set(key, loadFresh(file));
    }
    const handler = this.containers.get(key)![fn.Properties.Handler.split('.')[1]];
    if (typeof handler !== 'function') throw new Error(`${functionId}: ${fn.Properties.Handler} is not exported by its asset`);
    return handler;
  }

  // ---- intrinsic functions ----

  private newState(id: string, res: any, physicalId: string, properties: Record<string, unknown>, data: Record<string, string>): ResourceState {
    return {
      logicalId: id,
      type: res.Type,
      physicalId,
      properties,
      data,
      deletionPolicy: res.DeletionPolicy,
      updateReplacePolicy: res.UpdateReplacePolicy,
    };
  }

  private fakePhysicalId(id: string, type: string): string {
    return type === 'AWS::Lambda::Function' ? `arn:aws:lambda:${this.region}:${this.account}:function:${id}` : `${this.stackName}-${id}`;
  }

  private resolveProperties(template: Template, id: string): Record<string, unknown> {
    const res = template.Resources[id];
    const resolved = this.resolve(template, res.Properties ?? {}) as Record<string, unknown>;
    // CloudFormation hands custom resources every scalar as a string.
    return isCustomResource(res.Type) ? stringifyScalars(resolved) as Record<string, unknown> : resolved;
  }

  private outputs(template: Template): Record<string, string> {
    return Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([k, o]) => [k, String(this.resolve(template, o.Value))]));
  }

  private resolve(template: Template, value: any): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(template, v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref') return this.ref(template, value.Ref);
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') return this.getAtt(value['Fn::GetAtt'][0], value['Fn::GetAtt'][1]);
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [sep, parts] = value['Fn::Join'];
      return (this.resolve(template, parts) as unknown[]).join(sep);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Select') {
      const [index, list] = value['Fn::Select'];
      return (this.resolve(template, list) as unknown[])[Number(index)];
    }
    if (keys.length === 1 && keys[0] === 'Fn::Split') {
      const [sep, text] = value['Fn::Split'];
      return String(this.resolve(template, text)).split(sep);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub') {
      // 'text ${Name} ${Logical.Attr}', or [text, { Name: value }]: env-agnostic stacks use it for asset locations.
      const [text, vars] = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'] : [value['Fn::Sub'], {}];
      return String(text).replace(/\$\{([^}!]+)\}/g, (_match: string, name: string) => {
        if (name in vars) return String(this.resolve(template, vars[name]));
        const [id, attribute] = name.split('.');
        return String(attribute === undefined ? this.ref(template, id) : this.getAtt(id, attribute));
      });
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) throw new Error(`The driver does not support ${keys[0]}`);
    return Object.fromEntries(keys.map((k) => [k, this.resolve(template, value[k])]).filter(([, v]) => v !== undefined));
  }

  private ref(template: Template, name: string): unknown {
    switch (name) {
      case 'AWS::Region': return this.region;
      case 'AWS::AccountId': return this.account;
      case 'AWS::Partition': return PSEUDO_PARTITION;
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return this.stackId;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::NoValue': return undefined;
    }
    if (template.Parameters?.[name]) {
      const value = this.options.parameters?.[name] ?? template.Parameters[name].Default;
      if (value === undefined) throw new Error(`Parameter ${name} has no value`);
      return value;
    }
    const r = this.state.get(name);
    if (!r) throw new Error(`Ref to ${name}, which is not deployed`);
    return r.physicalId;
  }

  private getAtt(id: string, attribute: string): unknown {
    const r = this.state.get(id);
    if (!r) throw new Error(`Fn::GetAtt of ${id}, which is not deployed`);
    if (isCustomResource(r.type)) {
      if (!(attribute in r.data)) throw new Error(`Vendor response doesn't contain ${attribute} attribute (${id})`);
      return r.data[attribute];
    }
    return attribute === 'Arn' && r.physicalId.startsWith('arn:') ? r.physicalId : `arn:aws:fake:${this.region}:${this.account}:${id}/${attribute}`;
  }
}

function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Logical ids a resource depends on: DependsOn, Ref and Fn::GetAtt. */
function dependenciesOf(resource: any): string[] {
  const deps = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (v: any) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) deps.add(v.Ref);
    if (Array.isArray(v['Fn::GetAtt'])) deps.add(v['Fn::GetAtt'][0]);
    Object.values(v).forEach(walk);
  };
  walk(resource.Properties);
  return [...deps];
}

function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
