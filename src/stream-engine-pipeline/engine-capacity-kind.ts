/** The kinds of capacity, as the pipeline builds them. */
export enum EngineCapacityKind {
  /** AWS Fargate. */
  FARGATE = 'FARGATE',
  /** AWS Fargate Spot: up to 70% cheaper, tasks may be interrupted with two minutes' notice. */
  FARGATE_SPOT = 'FARGATE_SPOT',
  /** ECS on EC2 GPU instances through an Auto Scaling group capacity provider. */
  GPU = 'GPU',
}
