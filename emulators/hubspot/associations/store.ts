import { HubSpotError, validationError } from '../errors';
import type { ObjectTypeName } from '../objects/types';
import type { AssociationEdge, EmulatorState } from '../state';
import { associationType, defaultAssociationType, type AssociationType } from './types';

export interface AssociationSpec {
  associationCategory: string;
  associationTypeId: number;
}

const edgeKey = (fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string) => `${fromType}:${fromId}>${toType}:${toId}`;

/**
 * Association edges, always written in both directions: HubSpot returns both sides of every association
 * (the default-create response lists both: https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/products/guide).
 */
export class AssociationStore {
  constructor(private readonly state: EmulatorState) {}

  edge(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): AssociationEdge | undefined {
    return this.state.associations.get(edgeKey(fromType, fromId, toType, toId));
  }

  /** Resolves and checks association specs for a pair; unknown ids or categories are 400s. */
  resolveSpecs(fromType: ObjectTypeName, toType: ObjectTypeName, specs: readonly AssociationSpec[]): AssociationType[] {
    if (specs.length === 0) throw validationError('At least one association type is required');
    return specs.map((spec) => {
      if (!['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'].includes(spec.associationCategory)) {
        throw validationError(`Invalid associationCategory: ${spec.associationCategory}`);
      }
      const type = associationType(fromType, toType, spec.associationTypeId);
      if (!type || spec.associationCategory !== 'HUBSPOT_DEFINED') {
        throw new HubSpotError(400, {
          message: `${spec.associationCategory} ${spec.associationTypeId} is not a valid association type between ${fromType} and ${toType}`,
          category: 'VALIDATION_ERROR',
          subCategory: 'crm.associations.INVALID_ASSOCIATION_TYPE',
        });
      }
      return type;
    });
  }

  defaultType(fromType: ObjectTypeName, toType: ObjectTypeName): AssociationType {
    const type = defaultAssociationType(fromType, toType);
    if (!type) {
      throw validationError(`No default association type exists between ${fromType} and ${toType}`);
    }
    return type;
  }

  /** Adds types to a pair (both directions). Returns whether anything changed. */
  add(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, types: readonly AssociationType[]): boolean {
    const forward = this.ensure(fromType, fromId, toType, toId);
    const backward = this.ensure(toType, toId, fromType, fromId);
    let changed = false;
    for (const t of types) {
      if (!forward.typeIds.has(t.typeId)) changed = true;
      forward.typeIds.add(t.typeId);
      backward.typeIds.add(t.inverse);
    }
    return changed;
  }

  /** Replaces the labelled set for a pair: a labelled create replaces labels (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide). */
  replace(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, types: readonly AssociationType[]): void {
    this.removeAll(fromType, fromId, toType, toId);
    this.add(fromType, fromId, toType, toId, types);
  }

  removeTypes(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, types: readonly AssociationType[]): void {
    const forward = this.edge(fromType, fromId, toType, toId);
    const backward = this.edge(toType, toId, fromType, fromId);
    if (!forward || !backward) return;
    // Deleting the unlabeled default type removes every type between the pair (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide).
    if (types.some((t) => t.label === null)) {
      this.removeAll(fromType, fromId, toType, toId);
      return;
    }
    for (const t of types) {
      forward.typeIds.delete(t.typeId);
      backward.typeIds.delete(t.inverse);
    }
  }

  removeAll(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): boolean {
    const had = this.state.associations.delete(edgeKey(fromType, fromId, toType, toId));
    this.state.associations.delete(edgeKey(toType, toId, fromType, fromId));
    return had;
  }

  /** Edges from one record to a type, in target-id order, skipping archived targets. */
  from(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): AssociationEdge[] {
    const prefix = `${fromType}:${fromId}>${toType}:`;
    return [...this.state.associations.entries()]
      .filter(([key, edge]) => key.startsWith(prefix) && edge.typeIds.size > 0)
      .map(([, edge]) => edge)
      .filter((edge) => this.state.records[edge.toType].get(edge.toId)?.archived === false)
      .sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  private ensure(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): AssociationEdge {
    const key = edgeKey(fromType, fromId, toType, toId);
    let edge = this.state.associations.get(key);
    if (!edge) {
      edge = { fromType, fromId, toType, toId, typeIds: new Set() };
      this.state.associations.set(key, edge);
    }
    return edge;
  }
}
