/** CDK entry point (`cdk.json`): `npx cdk synth`, `npx cdk deploy -c stage=prod`. */
import { createAfterviewApp } from './afterview-app';

createAfterviewApp().app.synth();
